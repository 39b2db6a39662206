-- The site's roles, editable by a site admin: the list the user detail page and role-based allowances pick from.
CREATE TABLE "site_roles" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Every role already in use is on the list, so no user holds a role the list does not know.
INSERT INTO "site_roles" ("key", "name")
SELECT r, initcap(r) FROM (
	SELECT 'admin' AS r UNION SELECT 'subscriber' UNION SELECT DISTINCT "site_role" FROM "users"
	UNION SELECT DISTINCT "role" FROM "allowance_rules" WHERE "role" IS NOT NULL
) roles ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- An event bonus to many accounts: one row per campaign, one lot per account reached (grant key campaign:<id>:<account>).
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_by" uuid NOT NULL REFERENCES "users"("id"),
	"key" text NOT NULL,
	"audience" text NOT NULL CHECK ("audience" IN ('all', 'role', 'team')),
	"role" text,
	"team_id" uuid REFERENCES "teams"("id"),
	"tokens" bigint NOT NULL CHECK ("tokens" > 0),
	"model" text,
	"expires_at" timestamp with time zone,
	"note" text NOT NULL,
	"reached" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CHECK (("audience" = 'role') = ("role" IS NOT NULL)),
	CHECK (("audience" = 'team') = ("team_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_key_idx" ON "campaigns" ("created_by", "key");
--> statement-breakpoint
CREATE INDEX "campaigns_created_idx" ON "campaigns" ("created_at" DESC, "id" DESC);
--> statement-breakpoint
-- Paddle redelivers an event it did not see acknowledged: the payments page counts the deliveries.
ALTER TABLE "paddle_events" ADD COLUMN "deliveries" integer DEFAULT 1 NOT NULL;
--> statement-breakpoint
ALTER TABLE "paddle_events" ADD COLUMN "last_received_at" timestamp with time zone;
--> statement-breakpoint
CREATE INDEX "paddle_events_received_idx" ON "paddle_events" ("received_at" DESC, "event_id" DESC);
--> statement-breakpoint
-- The operations export reads a date range in (created_at, id) order, a page at a time.
CREATE INDEX "operations_created_idx" ON "operations" ("created_at", "id");
