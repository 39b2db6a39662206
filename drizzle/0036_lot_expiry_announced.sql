-- Every lot whose expiry the ledger recorded is announced to host sites (`lot.expired`, with the tokens
-- it lost), as expired holds are (0018): the expiry is recorded in SQL (a consume's housekeeping, the
-- sweep, ended subscription lots), which cannot call the subscribers, so the sweep announces every
-- expired lot not yet marked. Lots that expired before this migration count as announced.
ALTER TABLE "lots" ADD COLUMN "expiry_announced_at" timestamp with time zone;--> statement-breakpoint
UPDATE "lots" SET "expiry_announced_at" = "expired_at" WHERE "expired_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "lots_unannounced_idx" ON "lots" USING btree ("expired_at") WHERE "expired_at" is not null and "expiry_announced_at" is null;
