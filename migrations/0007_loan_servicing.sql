CREATE TABLE `loan_installments` (
	`loan_id` text NOT NULL,
	`installment` integer NOT NULL,
	`due_date` text NOT NULL,
	`principal_before_cents` integer NOT NULL,
	`interest_cents` integer NOT NULL,
	`amount_due_cents` integer NOT NULL,
	`paid_cents` integer DEFAULT 0 NOT NULL,
	`late_fee_cents` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`loan_id`, `installment`),
	CONSTRAINT "loan_installments_paid_within_due" CHECK("loan_installments"."paid_cents" >= 0 AND "loan_installments"."paid_cents" <= "loan_installments"."amount_due_cents")
);
--> statement-breakpoint
CREATE TABLE `test_clock` (
	`id` integer PRIMARY KEY NOT NULL,
	`offset_seconds` integer NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "test_clock_one_row" CHECK("test_clock"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE `loans` ADD `outstanding_principal_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `loans` ADD `interest_due_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `loans` ADD `fees_due_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `loans` ADD `total_interest_charged_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `loans` ADD `total_fees_charged_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `loans` ADD `installments_charged` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `loans` ADD `first_installment` integer;--> statement-breakpoint
ALTER TABLE `loans` ADD `autopay` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `loans` ADD `delinquency` text DEFAULT 'CURRENT' NOT NULL;--> statement-breakpoint
ALTER TABLE `loans` ADD `next_service_at` text;--> statement-breakpoint
ALTER TABLE `loans` ADD `version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `loans_next_service` ON `loans` (`next_service_at`);--> statement-breakpoint
ALTER TABLE `repayments` ADD `source` text DEFAULT 'MANUAL' NOT NULL;--> statement-breakpoint
ALTER TABLE `repayments` ADD `installment` integer;--> statement-breakpoint
ALTER TABLE `repayments` ADD `fees_paid_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `repayments` ADD `interest_paid_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `repayments` ADD `principal_paid_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Loans stored before servicing: what they still owed was principal; a rejected loan owes nothing.
UPDATE `loans` SET `outstanding_principal_cents` = `remaining_balance_cents` WHERE `status` IN ('PENDING', 'APPROVED');--> statement-breakpoint
UPDATE `loans` SET `remaining_balance_cents` = 0, `outstanding_principal_cents` = 0 WHERE `status` = 'REJECTED';--> statement-breakpoint
-- A disbursed loan is adopted by the next servicing run: serviced from its next due date on, with
-- no interest or late fees for the months before servicing existed.
UPDATE `loans` SET `next_service_at` = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE `status` = 'APPROVED' AND `disbursed_at` IS NOT NULL;--> statement-breakpoint
UPDATE `repayments` SET `principal_paid_cents` = `amount_cents` WHERE `status` = 'SUCCESSFUL';
