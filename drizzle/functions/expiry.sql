-- Expiry: what expired lots lost and expired holds' tokens, recorded per account (on its next write,
-- by the sweep, or when a subscription period ends its lots).

-- Records what expired lots lost, and returns expired holds' tokens. Caller holds the account lock.
CREATE OR REPLACE FUNCTION quota_housekeep(p_account uuid, p_now timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_lot record;
  v_hold record;
  v_op uuid;
BEGIN
  -- On most writes nothing is due: one statement says so before the two loops open their queries.
  IF NOT EXISTS (SELECT 1 FROM holds WHERE account_id = p_account AND status = 'open' AND expires_at <= p_now)
     AND NOT EXISTS (SELECT 1 FROM lots WHERE account_id = p_account AND expires_at <= p_now AND expired_at IS NULL AND NOT unlimited) THEN
    RETURN;
  END IF;
  FOR v_hold IN SELECT id FROM holds WHERE account_id = p_account AND status = 'open' AND expires_at <= p_now LOOP
    PERFORM quota_close_hold(p_hold => v_hold.id, p_tokens => 0, p_status => 'expired', p_now => p_now);
  END LOOP;
  FOR v_lot IN SELECT id, remaining, model FROM lots
      WHERE account_id = p_account AND expires_at <= p_now AND expired_at IS NULL AND NOT unlimited LOOP
    v_op := gen_random_uuid();
    INSERT INTO operations (id, account_id, kind, status, model, cost, created_at)
      VALUES (v_op, p_account, 'expire', 'ok', v_lot.model, v_lot.remaining, p_now);
    IF v_lot.remaining > 0 THEN
      INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
        VALUES (v_op, p_account, v_lot.id, 'expire', -v_lot.remaining, 0, p_now);
    END IF;
    UPDATE lots SET remaining = 0, expired_at = p_now WHERE id = v_lot.id;
  END LOOP;
END $$;

-- Expires what is due everywhere (open holds past their TTL, lots past expiry), one account at a time.
-- Balances are right without it (expired lots stop counting at once); this returns held tokens and
-- records losses for accounts that are not being used. Returns how many accounts it touched.
CREATE OR REPLACE FUNCTION quota_sweep(p_limit int DEFAULT 500, p_now timestamptz DEFAULT now()) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  v_account uuid;
  v_n int := 0;
BEGIN
  FOR v_account IN
    SELECT account_id FROM holds WHERE status = 'open' AND expires_at <= p_now
    UNION
    SELECT account_id FROM lots WHERE expired_at IS NULL AND expires_at <= p_now AND NOT unlimited
    LIMIT p_limit
  LOOP
    -- Skip an account that is busy right now; the next sweep (or its own next consume) will do it.
    PERFORM 1 FROM accounts WHERE id = v_account FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
      PERFORM quota_housekeep(v_account, p_now);
      PERFORM pg_notify('quota_account', v_account::text);
      v_n := v_n + 1;
    END IF;
  END LOOP;
  RETURN v_n;
END $$;

-- Ends lots now (a subscription period replaced by the next): records what they lose.
CREATE OR REPLACE FUNCTION quota_end_lots(p_lots uuid[], p_now timestamptz DEFAULT now()) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_account uuid;
BEGIN
  FOR v_account IN SELECT DISTINCT account_id FROM lots WHERE id = ANY(p_lots) ORDER BY 1 LOOP
    PERFORM 1 FROM accounts WHERE id = v_account FOR UPDATE;
    UPDATE lots SET expires_at = p_now
      WHERE id = ANY(p_lots) AND account_id = v_account AND (expires_at IS NULL OR expires_at > p_now);
    PERFORM quota_housekeep(v_account, p_now);
    PERFORM pg_notify('quota_account', v_account::text);
  END LOOP;
END $$;
