-- quota_spend_plan now also returns what the usable lots hold, and quota_spend_result takes it (with
-- the allowance's left), so an accepted spend states what is left without reading it again. A changed
-- OUT list cannot be CREATE OR REPLACEd, and a changed argument list would leave the old overload
-- behind: the old signatures go here, once; drizzle/functions/ creates the new ones after the migrations.
DROP FUNCTION IF EXISTS quota_spend_plan(uuid, text, uuid, features, modules, text, bigint, site_settings, timestamptz);
--> statement-breakpoint
DROP FUNCTION IF EXISTS quota_spend_result(boolean, uuid, text, text, text, timestamptz, site_settings, bigint, text, text, jsonb, boolean, allowance_rules, timestamptz, bigint, bigint, jsonb, bigint);
