-- What names a feature, found by index (a feature's removal asks, ledger/rates.ts featureReferences),
-- where it read every operation of the site. The daily rollup has every charged consume and settle: it
-- gets an entry per new row (an account's first use of the day of a feature, model and member); its
-- updates change no indexed column. Operations only for holds and refusals, which the rollup does not
-- count: a charged consume, the hot path, writes no entry to it.
CREATE INDEX IF NOT EXISTS "usage_daily_feature_idx" ON "usage_daily" ("feature");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "operations_feature_idx" ON "operations" ("feature") WHERE "kind" = 'hold' OR "status" = 'refused';
