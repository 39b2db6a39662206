-- Tokens a running job gave back, at its settle or release, to a lot whose expiry had been recorded
-- while it ran stayed in that lot: no one could spend them (the lot had expired), yet a statement
-- counted them in its balance, above the dashboard's. drizzle/functions/holds.sql now expires them as
-- they come back; this expires those already there the same way: an 'expire' operation and entry of
-- their own, dated now, the lot's remaining back to 0.
DO $$
DECLARE
  v_lot record;
  v_op uuid;
BEGIN
  FOR v_lot IN SELECT id, account_id, model, remaining FROM lots
      WHERE expired_at IS NOT NULL AND NOT unlimited AND remaining > 0 ORDER BY account_id, id FOR UPDATE LOOP
    v_op := gen_random_uuid();
    INSERT INTO operations (id, account_id, kind, status, model, cost, created_at)
      VALUES (v_op, v_lot.account_id, 'expire', 'ok', v_lot.model, v_lot.remaining, now());
    INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
      VALUES (v_op, v_lot.account_id, v_lot.id, 'expire', -v_lot.remaining, 0, now());
    UPDATE lots SET remaining = 0 WHERE id = v_lot.id;
  END LOOP;
END $$;
