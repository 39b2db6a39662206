-- A hold settled at 0 is a use that charged nothing: the usage history, GET /usage and the operations
-- export list it, so the daily rollup counts it too (Reports' and the console Overview's operations),
-- as quota_close_hold now writes it (drizzle/functions/holds.sql). Before, it added no row: "2
-- operations" beside 3 rows of usage. The settles of 0 recorded before, added once each.
INSERT INTO "usage_daily" AS d ("account_id", "day", "feature", "model", "actor_user_id", "tokens", "operations")
SELECT o."account_id", (o."created_at" AT TIME ZONE s."time_zone")::date, o."feature", coalesce(o."model", ''),
       coalesce(o."actor_user_id"::text, ''), 0, count(*)
  FROM "operations" o CROSS JOIN "site_settings" s
 WHERE s."id" = 1 AND o."kind" = 'settle' AND o."status" = 'ok' AND o."cost" = 0
 GROUP BY 1, 2, 3, 4, 5
ON CONFLICT ("account_id", "day", "feature", "model", "actor_user_id")
DO UPDATE SET "operations" = d."operations" + excluded."operations";
