-- Issue 18: every expired hold is announced (`hold.expired`), also one that expired inside a consume's
-- housekeeping or a late settle, not only in the sweep. The ledger marks a hold announced when its
-- event is recorded; the sweep announces every expired hold not yet marked. Holds that expired before
-- this migration were announced by the sweep or never will be: they count as announced.
ALTER TABLE "holds" ADD COLUMN "expiry_announced_at" timestamp with time zone;--> statement-breakpoint
UPDATE "holds" SET "expiry_announced_at" = "closed_at" WHERE "status" = 'expired';--> statement-breakpoint
CREATE INDEX "holds_unannounced_idx" ON "holds" USING btree ("closed_at") WHERE "status" = 'expired' and "expiry_announced_at" is null;
