-- Alert steps per account (issue 13.7): shares of the allocation, each alerted once per crossing,
-- and "depleted". No row = the seeds' default steps (20 %, 10 %, 5 %, depleted).
CREATE TABLE "alert_settings" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"share_steps" integer[] NOT NULL,
	"depleted" boolean DEFAULT true NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_settings_share_steps_check" CHECK (cardinality("share_steps") <= 5 and 1 <= all("share_steps") and 99 >= all("share_steps"))
);
--> statement-breakpoint
ALTER TABLE "alert_settings" ADD CONSTRAINT "alert_settings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_settings" ADD CONSTRAINT "alert_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- A member's own threshold becomes the first step of their own account, the seeds' 10 % and 5 % below it.
INSERT INTO "alert_settings" ("account_id", "share_steps", "updated_by")
SELECT u."account_id",
       array(select distinct x from unnest(array[s."low_share_percent", 10, 5]) x where x <= s."low_share_percent" order by x desc),
       u."id"
  FROM "user_settings" s JOIN "users" u ON u."id" = s."user_id"
 WHERE s."low_share_percent" <> 20;--> statement-breakpoint
ALTER TABLE "user_settings" DROP COLUMN "low_share_percent";--> statement-breakpoint
-- The stage last alerted: 'ok', 'share:<percent>' or 'depleted'; and what was left then, so only a
-- top-up (more tokens left), not a spent lot leaving the base, re-arms a step.
ALTER TABLE "alert_states" RENAME COLUMN "level" TO "stage";--> statement-breakpoint
UPDATE "alert_states" SET "stage" = CASE "stage" WHEN 'low' THEN 'share:20' WHEN 'empty' THEN 'depleted' ELSE 'ok' END;--> statement-breakpoint
ALTER TABLE "alert_states" ADD COLUMN "tokens_left" bigint;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "read_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("user_id") WHERE "read_at" is null;
