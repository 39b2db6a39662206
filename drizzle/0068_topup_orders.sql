-- The top-up an order was bought from (its one-tap notice), found by index: the webhook that completes
-- the order marks the top-up bought (topup/bought.ts), and every purchase list names such an order an
-- auto top-up (store/orders.ts AUTO_TOP_UP_SQL).
CREATE INDEX IF NOT EXISTS "topups_order_idx" ON "topups" ("order_id") WHERE "order_id" IS NOT NULL;
