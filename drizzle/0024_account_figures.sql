-- Issue 15 (large sites): the users list's figure sorts, search and export at 100,000 accounts.
-- account_figures: per user or team account, the figures the list sorts by, as of the last refresh
-- (ledger/figures-summary.ts, the schedule's `ledger.figures` job), with an index per sort. Kept off
-- quota_spend's path: the job finds what changed from the operations since its cursor and the lots
-- whose expiry passed, and recomputes those accounts; an insert trigger on accounts gives each new
-- user or team its row at once (drizzle/functions/figures.sql). account_figures_refresh is the
-- job's one row: when it last ran (what the list says its order is "as of"), the site month its
-- use figures belong to, the cursor over operations.created_at, and when it last recomputed all.
CREATE TABLE "account_figures" (
	"account_id" uuid PRIMARY KEY NOT NULL REFERENCES "accounts"("id"),
	"balance" bigint DEFAULT 0 NOT NULL,
	"general_balance" bigint DEFAULT 0 NOT NULL,
	"unlimited" boolean DEFAULT false NOT NULL,
	"used_this_month" bigint DEFAULT 0 NOT NULL,
	"last_active_day" date,
	"as_of" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "account_figures_balance_idx" ON "account_figures" ("balance", "account_id");
--> statement-breakpoint
CREATE INDEX "account_figures_used_idx" ON "account_figures" ("used_this_month", "account_id");
--> statement-breakpoint
CREATE INDEX "account_figures_active_idx" ON "account_figures" (coalesce("last_active_day", date '0001-01-01'), "account_id");
--> statement-breakpoint
CREATE TABLE "account_figures_refresh" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL CHECK ("id" = 1),
	"as_of" timestamp with time zone,
	"month" date,
	"cursor" timestamp with time zone,
	"full_at" timestamp with time zone
);
--> statement-breakpoint
INSERT INTO "account_figures_refresh" ("id") VALUES (1);
--> statement-breakpoint
-- Accounts whose figures change without an operation: a lot's expiry passing (the sweep records
-- it later); the refresh reads the lots that expired since its last run.
CREATE INDEX "lots_expires_idx" ON "lots" ("expires_at") WHERE "expires_at" IS NOT NULL;
--> statement-breakpoint
-- Case-insensitive substring search (ILIKE '%…%') by name, e-mail and host-site id, and the audit
-- log's account filter: trigram indexes. pg_trgm is a trusted extension on PostgreSQL 13+; PGlite
-- loads it from its contrib (db/client.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX "users_name_trgm_idx" ON "users" USING gin ("name" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX "users_email_trgm_idx" ON "users" USING gin ("email" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX "users_external_id_trgm_idx" ON "users" USING gin ("external_id" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX "teams_name_trgm_idx" ON "teams" USING gin ("name" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX "accounts_name_trgm_idx" ON "accounts" USING gin ("name" gin_trgm_ops);
--> statement-breakpoint
-- Issue 16 (the dashboard's first answer on a million-operation account): spending per account
-- and UTC clock hour over the last 8 days, rebuilt by the same refresh from the operations since
-- its cursor, so the pace baseline (ledger/use-pace.ts) reads 168 rows and the hour or two since
-- the refresh, instead of a week of operations. quota_spend does not write it.
CREATE TABLE "usage_hourly" (
	"account_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"tokens" bigint NOT NULL,
	CONSTRAINT "usage_hourly_account_id_hour_pk" PRIMARY KEY ("account_id", "hour")
);
