-- How a module's free allowance for signed-in users is set on the Limits page (issue 15): one
-- general limit for every member, one limit per site role, or none (members pay from their balance).
-- The allowance rules stay what the ledger reads; this only says which of them the admin manages.
ALTER TABLE "modules" ADD COLUMN "limit_type" text DEFAULT 'none' NOT NULL;
--> statement-breakpoint
ALTER TABLE "modules" ADD CONSTRAINT "modules_limit_type_check" CHECK ("limit_type" in ('none', 'general', 'role'));
--> statement-breakpoint
-- Existing modules: role-based where role rules exist, none where no member rule exists.
UPDATE "modules" m SET "limit_type" = CASE
  WHEN EXISTS (SELECT 1 FROM "allowance_rules" r WHERE r."module" = m."key" AND r."audience" = 'role') THEN 'role'
  WHEN EXISTS (SELECT 1 FROM "allowance_rules" r WHERE r."module" = m."key" AND r."audience" = 'user') THEN 'general'
  ELSE 'none' END;
