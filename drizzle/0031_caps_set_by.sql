-- Who set an account's own cap when it was the account's user (Settings, an alert's one tap): such a
-- cap is theirs to change or remove in Settings; one set by a site admin (or before this) is not.
ALTER TABLE "caps" ADD COLUMN "set_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "caps" ADD CONSTRAINT "caps_set_by_user_id_users_id_fk" FOREIGN KEY ("set_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
