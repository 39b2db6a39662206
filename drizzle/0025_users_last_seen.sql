-- When a person last used the app (sign-in or a signed-in request, kept as sessions are touched):
-- the admin's users list shows it beside the account's last use of tokens. Sessions end and are
-- deleted, so it is kept on the user; the sessions still open give its first value.
ALTER TABLE "users" ADD COLUMN "last_seen_at" timestamp with time zone;--> statement-breakpoint
UPDATE "users" u SET "last_seen_at" = (SELECT max(s."last_seen_at") FROM "sessions" s WHERE s."user_id" = u."id");
