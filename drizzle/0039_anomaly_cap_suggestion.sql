-- The daily cap an unusual-use flag suggests is kept with the flag when it opens (anomalies/check.ts),
-- so the inbox shows, and a tap sets, the cap the alert suggested then, not one worked out again at
-- each look. `suggested_daily_cap`: that cap in tokens, null when there was none to suggest (a daily
-- cap no higher was in force). Flags opened before this migration kept none (`cap_suggestion_kept`
-- false): theirs is still worked out when looked at, as it was.
ALTER TABLE "anomaly_flags" ADD COLUMN "suggested_daily_cap" bigint;--> statement-breakpoint
ALTER TABLE "anomaly_flags" ADD COLUMN "cap_suggestion_kept" boolean DEFAULT false NOT NULL;
