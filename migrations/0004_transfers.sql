CREATE TABLE `transfers` (
	`transfer_id` text PRIMARY KEY NOT NULL,
	`from_wallet_id` text NOT NULL,
	`to_wallet_id` text NOT NULL,
	`from_user_id` text NOT NULL,
	`to_user_id` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`description` text,
	`status` text NOT NULL,
	`sender_name` text NOT NULL,
	`recipient_name` text NOT NULL,
	`created_at` text NOT NULL,
	`completed_at` text,
	`updated_at` text NOT NULL,
	CONSTRAINT "transfers_positive" CHECK("transfers"."amount_cents" > 0),
	CONSTRAINT "transfers_two_wallets" CHECK("transfers"."from_wallet_id" <> "transfers"."to_wallet_id")
);
--> statement-breakpoint
CREATE INDEX `transfers_by_sender` ON `transfers` (`from_user_id`,`created_at`,`transfer_id`);--> statement-breakpoint
CREATE INDEX `transfers_by_recipient` ON `transfers` (`to_user_id`,`created_at`,`transfer_id`);--> statement-breakpoint
CREATE INDEX `transfers_by_from_wallet` ON `transfers` (`from_wallet_id`,`created_at`,`transfer_id`);--> statement-breakpoint
CREATE INDEX `transfers_by_to_wallet` ON `transfers` (`to_wallet_id`,`created_at`,`transfer_id`);--> statement-breakpoint
CREATE INDEX `transfers_by_status` ON `transfers` (`status`,`created_at`);