-- An event bonus ended early (admin/campaign-changes.ts `endCampaign`): when and by whom. An ended
-- campaign grants no more, and its lots' expiry no longer changes.
ALTER TABLE "campaigns" ADD COLUMN "ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "ended_by" uuid REFERENCES "users"("id");--> statement-breakpoint
-- The lots under one grant-key prefix (a campaign's `campaign:<id>:`) as an index range, whatever the
-- database's collation (ledger/granted-under.ts): a campaign's 100,000 lots are read without a scan of every lot.
CREATE INDEX IF NOT EXISTS "lots_grant_key_prefix_idx" ON "lots" USING btree ("grant_key" text_pattern_ops);
--> statement-breakpoint
-- A webhook endpoint's test event (webhooks/test-event.ts, type `ping`) changes no account: it has no
-- account and no place in an account's sequence. Every other event has both.
ALTER TABLE "webhook_events" ALTER COLUMN "account_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_events" ALTER COLUMN "seq" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_account_check" CHECK (("account_id" IS NULL) = ("seq" IS NULL) AND ("account_id" IS NULL) = ("type" = 'ping'));
