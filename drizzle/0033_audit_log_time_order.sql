-- The audit log reads newest first by when an entry happened (at), ties by id, with a keyset on
-- (at, id): an entry recorded later with an earlier time (the demo's backdated history, an import)
-- sits where its time puts it. Each way the page narrows the log (none, one account, one actor, one
-- action) gets an index in that order, replacing the by-id ones the old order used; (at, id) also
-- serves the date filter, (account_id, at, id) what (account_id, at) served.
DROP INDEX IF EXISTS "audit_log_at_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "audit_log_account_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "audit_log_account_id_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "audit_log_actor_id_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "audit_log_action_id_idx";--> statement-breakpoint
CREATE INDEX "audit_log_at_id_idx" ON "audit_log" ("at", "id");--> statement-breakpoint
CREATE INDEX "audit_log_account_at_idx" ON "audit_log" ("account_id", "at", "id");--> statement-breakpoint
CREATE INDEX "audit_log_actor_at_idx" ON "audit_log" ("actor_user_id", "at", "id");--> statement-breakpoint
CREATE INDEX "audit_log_action_at_idx" ON "audit_log" ("action", "at", "id");
