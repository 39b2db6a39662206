-- What names a model, found by index (a model's removal asks, admin/model-removal.ts), as 0043 does for
-- a feature: the lots for it; the daily rollup, which has every charged consume and settle (an entry per
-- new row: an account's first use of the day of a feature, model and member); operations only for holds
-- and refusals, which the rollup does not count (a charged consume, the hot path, writes no entry).
CREATE INDEX IF NOT EXISTS "lots_model_idx" ON "lots" ("model") WHERE "model" IS NOT NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "usage_daily_model_idx" ON "usage_daily" ("model") WHERE "model" <> '';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "operations_model_idx" ON "operations" ("model") WHERE "model" IS NOT NULL AND ("kind" = 'hold' OR "status" = 'refused');
