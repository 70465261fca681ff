CREATE TABLE `refunds` (
	`refund_id` text PRIMARY KEY NOT NULL,
	`payment_id` text NOT NULL,
	`wallet_id` text NOT NULL,
	`user_id` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`reason` text,
	`created_at` text NOT NULL,
	CONSTRAINT "refunds_positive" CHECK("refunds"."amount_cents" > 0)
);
--> statement-breakpoint
CREATE INDEX `refunds_by_payment` ON `refunds` (`payment_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `payments` ADD `capture` text DEFAULT 'automatic' NOT NULL;--> statement-breakpoint
ALTER TABLE `payments` ADD `authorized_amount_cents` integer;--> statement-breakpoint
ALTER TABLE `payments` ADD `captured_amount_cents` integer;--> statement-breakpoint
ALTER TABLE `payments` ADD `refunded_amount_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `payments` ADD `authorization_expires_at` text;--> statement-breakpoint
CREATE INDEX `payments_authorized_by_expiry` ON `payments` (`status`,`authorization_expires_at`);