CREATE TABLE `admin_audit_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_id` text NOT NULL,
	`admin_user_id` text,
	`action` text NOT NULL,
	`target` text NOT NULL,
	`details` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `admin_audit_log_entry_id` ON `admin_audit_log` (`entry_id`);--> statement-breakpoint
CREATE TABLE `deposit_days` (
	`user_id` text NOT NULL,
	`day` text NOT NULL,
	`cents` integer NOT NULL,
	PRIMARY KEY(`user_id`, `day`),
	CONSTRAINT "deposit_days_non_negative" CHECK("deposit_days"."cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE `funding_deposits` (
	`webhook_id` text PRIMARY KEY NOT NULL,
	`wallet_id` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`reference` text NOT NULL,
	`created_at` text NOT NULL,
	CONSTRAINT "funding_deposits_positive" CHECK("funding_deposits"."amount_cents" > 0)
);
