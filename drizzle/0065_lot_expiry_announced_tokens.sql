-- A lot announced as expired (`lot.expired`, 0036) can lose tokens after: a job that held some of them at
-- the lot's end gives back what it does not spend, and those expire at once (quota_close_hold, 0058),
-- which now clears the lot's `expiry_announced_at`. The sweep announces the lot again with those tokens
-- alone: `expiry_announced_tokens` is what its announcements have said it lost (null: none yet). Lots
-- announced before this migration count as having said all they lost, as 0036 counted earlier expiries.
ALTER TABLE "lots" ADD COLUMN "expiry_announced_tokens" bigint;--> statement-breakpoint
UPDATE "lots" l SET "expiry_announced_tokens" = coalesce((SELECT -sum(e."amount") FROM "entries" e WHERE e."lot_id" = l."id" AND e."kind" = 'expire'), 0)
 WHERE l."expiry_announced_at" IS NOT NULL;
