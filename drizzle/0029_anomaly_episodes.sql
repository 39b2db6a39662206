-- One event, one notice: a burst of use on an account sets off its spike and its tokens going fast
-- together (or one a minute after the other), with the same action. Both are episodes of one event,
-- fast use (anomalies/rules.ts `episodeOf`), so at most one flag of it is open per account and key.
ALTER TABLE "anomaly_flags" ADD COLUMN "episode" text;--> statement-breakpoint
UPDATE "anomaly_flags" SET "episode" = CASE WHEN "kind" IN ('spike', 'depletion') THEN 'fast_use' ELSE "kind" END;--> statement-breakpoint
ALTER TABLE "anomaly_flags" ALTER COLUMN "episode" SET NOT NULL;--> statement-breakpoint
-- Two open flags of one episode (a spike and a depletion opened together): the first keeps it open.
WITH ranked AS (
	SELECT "id", row_number() OVER (PARTITION BY "account_id", coalesce("api_key_id"::text, ''), "episode" ORDER BY "opened_at", "id") AS n
	  FROM "anomaly_flags" WHERE "closed_at" IS NULL
)
UPDATE "anomaly_flags" f SET "closed_at" = now() FROM ranked WHERE ranked."id" = f."id" AND ranked.n > 1;--> statement-breakpoint
DROP INDEX "anomaly_flags_open_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "anomaly_flags_open_idx" ON "anomaly_flags" USING btree ("account_id", coalesce("api_key_id"::text, ''), "episode") WHERE "closed_at" is null;
