-- Fewer writes per consume (issue 16): an entry belongs to a lot or to an allowance window, never both
-- (entries_target_check), so index each id only where it is set. Each entry then inserts into one of
-- these two indexes instead of both (one WAL record and one index tuple less per entry); lookups by
-- lot_id = … or window_id = … still use them.
DROP INDEX IF EXISTS "entries_lot_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "entries_window_idx";--> statement-breakpoint
CREATE INDEX "entries_lot_idx" ON "entries" USING btree ("lot_id") WHERE "lot_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "entries_window_idx" ON "entries" USING btree ("window_id") WHERE "window_id" IS NOT NULL;
