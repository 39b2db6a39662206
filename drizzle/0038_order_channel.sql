-- Where a checkout was opened (`store`: the member store; `embed`: the store embedded in a host
-- site), so the purchase's audit entry says the channel. Null for the orders Paddle's billing made
-- (renewals, auto top-ups: their `origin` says so) and for orders from before this migration.
ALTER TABLE "orders" ADD COLUMN "channel" text;
