-- Issue 17.4 and 17.5: referral bonuses, and anomaly flags per account and per API key.
-- The site's referral rules (one row; no row = referrals off).
CREATE TABLE "referral_settings" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"referrer_tokens" bigint DEFAULT 0 NOT NULL,
	"referred_tokens" bigint DEFAULT 0 NOT NULL,
	"require_purchase" boolean DEFAULT false NOT NULL,
	"expires_days" integer,
	"daily_limit" integer DEFAULT 10 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_settings_one_row" CHECK ("id" = 1),
	CONSTRAINT "referral_settings_figures" CHECK ("referrer_tokens" >= 0 and "referred_tokens" >= 0 and ("expires_days" is null or "expires_days" between 1 and 3650) and "daily_limit" between 1 and 1000)
);
--> statement-breakpoint
ALTER TABLE "referral_settings" ADD CONSTRAINT "referral_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- A member's referral code (made the first time they ask for their link).
CREATE TABLE "referral_codes" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "referral_codes" ADD CONSTRAINT "referral_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "referral_codes_code_idx" ON "referral_codes" USING btree ("code");--> statement-breakpoint
-- One referral per new account (unique referred user): pending (waits for a first purchase), granted or refused (with why).
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referrer_user_id" uuid NOT NULL,
	"referred_user_id" uuid NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"signup_ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "referrals_status_check" CHECK ("status" in ('pending', 'granted', 'refused'))
);
--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referrer_user_id_users_id_fk" FOREIGN KEY ("referrer_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referred_user_id_users_id_fk" FOREIGN KEY ("referred_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_referred_idx" ON "referrals" USING btree ("referred_user_id");--> statement-breakpoint
CREATE INDEX "referrals_referrer_idx" ON "referrals" USING btree ("referrer_user_id","created_at");--> statement-breakpoint
CREATE INDEX "referrals_ip_idx" ON "referrals" USING btree ("signup_ip","created_at");--> statement-breakpoint
-- A key paused by its owner (one tap on an anomaly flag): refused until resumed, unlike a revoked key.
ALTER TABLE "api_keys" ADD COLUMN "paused_at" timestamp with time zone;--> statement-breakpoint
-- An anomaly episode: open while its figure is over the threshold, closed an hour after it last was.
CREATE TABLE "anomaly_flags" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"api_key_id" uuid,
	"kind" text NOT NULL,
	"figures" jsonb NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_over_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "anomaly_flags_kind_check" CHECK ("kind" in ('spike', 'depletion', 'new_key', 'refusals'))
);
--> statement-breakpoint
ALTER TABLE "anomaly_flags" ADD CONSTRAINT "anomaly_flags_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anomaly_flags" ADD CONSTRAINT "anomaly_flags_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "anomaly_flags_open_idx" ON "anomaly_flags" USING btree ("account_id", coalesce("api_key_id"::text, ''), "kind") WHERE "closed_at" is null;--> statement-breakpoint
CREATE INDEX "anomaly_flags_recent_idx" ON "anomaly_flags" USING btree ("opened_at" desc);
