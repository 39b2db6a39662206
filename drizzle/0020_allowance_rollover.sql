-- Issue 17.3: allowance rollover. A rule may carry its unused tokens into the next period as a lot of
-- source 'rollover', up to a cap (tokens, or a share of the period's limit) on what the account holds
-- from that rule's rollovers, optionally expiring after K periods.
ALTER TABLE "allowance_rules" ADD COLUMN "rollover_cap_tokens" bigint;--> statement-breakpoint
ALTER TABLE "allowance_rules" ADD COLUMN "rollover_cap_percent" smallint;--> statement-breakpoint
ALTER TABLE "allowance_rules" ADD COLUMN "rollover_periods" smallint;--> statement-breakpoint
-- Periods that end after this instant roll over (set when rollover is switched on; nothing before it is backfilled).
ALTER TABLE "allowance_rules" ADD COLUMN "rollover_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "allowance_rules" ADD CONSTRAINT "allowance_rules_rollover_check" CHECK (
	("rollover_cap_tokens" IS NULL OR "rollover_cap_percent" IS NULL)
	AND ("rollover_cap_tokens" IS NULL OR "rollover_cap_tokens" > 0)
	AND ("rollover_cap_percent" IS NULL OR "rollover_cap_percent" BETWEEN 1 AND 100)
	AND ("rollover_periods" IS NULL OR "rollover_periods" BETWEEN 1 AND 120)
	AND (("rollover_cap_tokens" IS NULL AND "rollover_cap_percent" IS NULL) = ("rollover_since" IS NULL)));--> statement-breakpoint
-- One row per (rule, period) the rollover job has done: the run's claim, so a period rolls over once
-- even with several processes.
CREATE TABLE "allowance_rollover_runs" (
	"rule_id" uuid NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"accounts" integer DEFAULT 0 NOT NULL,
	"tokens" bigint DEFAULT 0 NOT NULL,
	"done_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allowance_rollover_runs_pk" PRIMARY KEY ("rule_id", "window_start")
);
--> statement-breakpoint
ALTER TABLE "allowance_rollover_runs" ADD CONSTRAINT "allowance_rollover_runs_rule_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."allowance_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- One row per (account, rule, period) the job has rolled over (the claim that makes it once): what was
-- unused, what rolled over (0 when the cap was full) and the lot it made.
CREATE TABLE "allowance_rollovers" (
	"account_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"lot_id" uuid,
	"unused" bigint NOT NULL,
	"tokens" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allowance_rollovers_pk" PRIMARY KEY ("account_id", "rule_id", "window_start"),
	CONSTRAINT "allowance_rollovers_tokens_check" CHECK ("tokens" >= 0 AND "tokens" <= "unused" AND ("tokens" > 0) = ("lot_id" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "allowance_rollovers" ADD CONSTRAINT "allowance_rollovers_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allowance_rollovers" ADD CONSTRAINT "allowance_rollovers_rule_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."allowance_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allowance_rollovers" ADD CONSTRAINT "allowance_rollovers_lot_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "allowance_rollovers_lot_idx" ON "allowance_rollovers" USING btree ("lot_id");--> statement-breakpoint
-- Which accounts used tokens on given site-local days: the accounts a period rolls over for.
CREATE INDEX "usage_daily_day_idx" ON "usage_daily" USING btree ("day", "account_id");
