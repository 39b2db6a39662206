-- Why an auto top-up's account was below its trigger, so its notice says what is true: 'drop'
-- (available was at or above the trigger, then fell below it), 'set' (already below when the rule
-- was turned on or its trigger set), 'retry' (still below after a charge that failed). The rule
-- keeps its current crossing's; a top-up the one it was claimed for. Rows from before: 'drop', as
-- their notices said.
ALTER TABLE "topup_rules" ADD COLUMN "crossing_cause" text DEFAULT 'drop' NOT NULL;--> statement-breakpoint
ALTER TABLE "topup_rules" ADD CONSTRAINT "topup_rules_crossing_cause_check" CHECK ("crossing_cause" in ('drop', 'set', 'retry'));--> statement-breakpoint
ALTER TABLE "topups" ADD COLUMN "cause" text DEFAULT 'drop' NOT NULL;--> statement-breakpoint
ALTER TABLE "topups" ADD CONSTRAINT "topups_cause_check" CHECK ("cause" in ('drop', 'set', 'retry'));
