-- When a cancellation scheduled in Paddle ends the subscription (its `scheduled_change` with action
-- `cancel`: `effective_at`); null when none is scheduled. Mirrored from each subscription event, so
-- the store can tell the host site at cancel time that a plan will end, and when the cancel is undone.
ALTER TABLE "subscriptions" ADD COLUMN "cancels_at" timestamp with time zone;--> statement-breakpoint
-- A running subscription without a next billing date was set to end at its period's end (the only
-- cancellation the store asks for); its change is then known and is not announced again.
UPDATE "subscriptions" SET "cancels_at" = "current_period_end"
 WHERE "status" IN ('active', 'trialing', 'past_due') AND "next_billed_at" IS NULL;
