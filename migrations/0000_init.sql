CREATE TABLE `dead_letters` (
	`dead_letter_id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`event` text NOT NULL,
	`error` text NOT NULL,
	`attempts` integer NOT NULL,
	`created_at` text NOT NULL,
	`replayed_at` text
);
--> statement-breakpoint
CREATE TABLE `loans` (
	`loan_id` text PRIMARY KEY NOT NULL,
	`wallet_id` text NOT NULL,
	`user_id` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`interest_rate_bp` integer NOT NULL,
	`loan_term_months` integer NOT NULL,
	`minimum_payment_cents` integer NOT NULL,
	`remaining_balance_cents` integer NOT NULL,
	`pending_repayment_cents` integer DEFAULT 0 NOT NULL,
	`status` text NOT NULL,
	`purpose` text,
	`rejection_reason` text,
	`disbursed_at` text,
	`disbursement_error` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "loans_remaining_non_negative" CHECK("loans"."remaining_balance_cents" >= 0),
	CONSTRAINT "loans_pending_within_remaining" CHECK("loans"."pending_repayment_cents" >= 0 AND "loans"."pending_repayment_cents" <= "loans"."remaining_balance_cents")
);
--> statement-breakpoint
CREATE INDEX `loans_by_user` ON `loans` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `loans_by_wallet` ON `loans` (`wallet_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `loans_by_status` ON `loans` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`outbox_id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE INDEX `outbox_unsent` ON `outbox` (`sent_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `payments` (
	`payment_id` text PRIMARY KEY NOT NULL,
	`wallet_id` text NOT NULL,
	`user_id` text NOT NULL,
	`merchant` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`description` text,
	`status` text NOT NULL,
	`failure_reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "payments_positive" CHECK("payments"."amount_cents" > 0)
);
--> statement-breakpoint
CREATE INDEX `payments_by_wallet` ON `payments` (`wallet_id`,`created_at`,`payment_id`);--> statement-breakpoint
CREATE TABLE `processed_events` (
	`consumer` text NOT NULL,
	`event_id` text NOT NULL,
	`processed_at` text NOT NULL,
	PRIMARY KEY(`consumer`, `event_id`)
);
--> statement-breakpoint
CREATE TABLE `repayments` (
	`repayment_id` text PRIMARY KEY NOT NULL,
	`loan_id` text NOT NULL,
	`wallet_id` text NOT NULL,
	`user_id` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`status` text NOT NULL,
	`failure_reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "repayments_positive" CHECK("repayments"."amount_cents" > 0)
);
--> statement-breakpoint
CREATE INDEX `repayments_by_loan` ON `repayments` (`loan_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `savings_goals` (
	`goal_id` text PRIMARY KEY NOT NULL,
	`wallet_id` text NOT NULL,
	`user_id` text NOT NULL,
	`goal_name` text NOT NULL,
	`target_cents` integer NOT NULL,
	`current_cents` integer DEFAULT 0 NOT NULL,
	`target_date` text,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `savings_goals_by_wallet` ON `savings_goals` (`wallet_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`user_id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`password_hash` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `wallets` (
	`wallet_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`currency` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `wallets_by_user` ON `wallets` (`user_id`,`created_at`);