-- A lot's expiry entries, found without reading its uses: whether a lot's expiry took tokens (a user's
-- Lots: 'expired' against 'none left'), whether an admin ended it, and what a lot.expired webhook says
-- it lost each read `entries where lot_id = … and kind = 'expire'`, which entries_lot_idx answered by
-- reading every entry of the lot: 0.9 s for the lot a million consumes paid from (bench:dashboard, a
-- user's detail). Partial: only expiry entries (one or two a lot) are indexed, so a use writes nothing more.
CREATE INDEX IF NOT EXISTS "entries_lot_expire_idx" ON "entries" USING btree ("lot_id") WHERE "kind" = 'expire';
