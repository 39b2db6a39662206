-- Issue 17.2: auto top-up with a cap. One rule per account (off by default: no row, or enabled = false).
CREATE TABLE "topup_rules" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"below_tokens" bigint NOT NULL,
	"product_id" text NOT NULL,
	"max_per_month" integer,
	"max_cents_per_month" bigint,
	"cooldown_seconds" integer DEFAULT 3600 NOT NULL,
	-- Counts the account's crossings below below_tokens; a top-up is claimed once per crossing (topups' unique key).
	"crossing" integer DEFAULT 0 NOT NULL,
	-- True until this crossing's top-up is claimed; set again (with crossing + 1) once available is back at or above below_tokens.
	"armed" boolean DEFAULT true NOT NULL,
	-- Why the rule turned itself off (a declined payment); null while on or turned off by its owner.
	"off_reason" text,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "topup_rules_below_check" CHECK ("below_tokens" >= 1),
	CONSTRAINT "topup_rules_caps_check" CHECK (("max_per_month" is null or "max_per_month" >= 1) and ("max_cents_per_month" is null or "max_cents_per_month" >= 1)),
	CONSTRAINT "topup_rules_cooldown_check" CHECK ("cooldown_seconds" between 0 and 2592000)
);
--> statement-breakpoint
ALTER TABLE "topup_rules" ADD CONSTRAINT "topup_rules_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topup_rules" ADD CONSTRAINT "topup_rules_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topup_rules" ADD CONSTRAINT "topup_rules_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- One row per crossing that was acted on: charged off-session, or a one-tap notice when there is no subscription to charge.
CREATE TABLE "topups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"crossing" integer NOT NULL,
	"product_id" text NOT NULL,
	"amount_cents" bigint NOT NULL,
	"currency" text NOT NULL,
	"available" bigint NOT NULL,
	"status" text NOT NULL,
	"order_id" uuid,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "topups_status_check" CHECK ("status" in ('claimed', 'charging', 'charged', 'notice', 'declined', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "topups" ADD CONSTRAINT "topups_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topups" ADD CONSTRAINT "topups_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "topups_crossing_idx" ON "topups" USING btree ("account_id","crossing");--> statement-breakpoint
CREATE INDEX "topups_account_created_idx" ON "topups" USING btree ("account_id","created_at");--> statement-breakpoint
-- An order paid off-session on this subscription (an auto top-up): its subscription_charge webhook completes it.
ALTER TABLE "orders" ADD COLUMN "charged_subscription_id" uuid;--> statement-breakpoint
CREATE INDEX "orders_pending_charge_idx" ON "orders" USING btree ("charged_subscription_id") WHERE "status" = 'pending' and "paddle_transaction_id" is null;
