-- A person's own uses of team pools, in or out of the team now, read by actor rather than by account:
-- the console's users list and user page (ledger/account-figures.ts, poolUsedSinceSql and
-- lastPoolUseDaySql) and the figures summary's last active day (functions/figures.sql). Without it
-- each of those reads every pool's usage.
CREATE INDEX IF NOT EXISTS "usage_daily_actor_idx" ON "usage_daily" ("actor_user_id", "day");
