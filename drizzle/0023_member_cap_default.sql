-- Issue 15 (Limits): the site's default daily cap on each member's use of a team pool, beside the
-- team pool default. Read by quota_account_caps (drizzle/functions/limits.sql); null = none.
ALTER TABLE "site_settings" ADD COLUMN "default_member_daily_cap" bigint;
