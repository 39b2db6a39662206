-- The admin console's lists page by keyset (sort value, id); these indexes let a page read only its rows.
CREATE INDEX "users_name_idx" ON "users" (lower("name"), "account_id");
--> statement-breakpoint
CREATE INDEX "users_created_idx" ON "users" ("created_at", "account_id");
--> statement-breakpoint
CREATE INDEX "teams_name_idx" ON "teams" (lower("name"), "account_id");
--> statement-breakpoint
CREATE INDEX "teams_created_idx" ON "teams" ("created_at", "account_id");
--> statement-breakpoint
CREATE INDEX "audit_log_account_id_idx" ON "audit_log" ("account_id", "id");
--> statement-breakpoint
CREATE INDEX "audit_log_actor_id_idx" ON "audit_log" ("actor_user_id", "id");
--> statement-breakpoint
CREATE INDEX "audit_log_action_id_idx" ON "audit_log" ("action", "id");
