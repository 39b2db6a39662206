-- Taking tokens back (refunds, chargebacks) and an admin's manual adjustment.

-- Takes tokens back from lots (refund, chargeback, admin debit): what is left, never below zero.
-- p_lots NULL: debit the account's general lots in spend order, refusing when there is not enough.
-- p_lots given: p_tokens 0 takes all that is left of them; more than 0 takes at most that many (a
-- partial chargeback's share), the part already spent being the shortfall.
CREATE OR REPLACE FUNCTION quota_debit_lots(p_account uuid, p_lots uuid[], p_tokens bigint, p_kind text, p_reason text,
    p_scope text, p_key text, p_actor_user uuid DEFAULT NULL, p_now timestamptz DEFAULT now())
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_op uuid := gen_random_uuid();
  v_lot record;
  v_take bigint;
  v_total bigint := 0;
  v_wanted bigint := 0;
  v_existing jsonb;
  v_result jsonb;
  v_available bigint;
BEGIN
  PERFORM 1 FROM accounts WHERE id = p_account FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('ok', false, 'code', 'not_found', 'message', 'No such account.');
  END IF;
  IF p_key IS NOT NULL THEN
    SELECT response INTO v_existing FROM operations WHERE idem_scope = p_scope AND idem_key = p_key;
    IF FOUND THEN RETURN v_existing || '{"replayed": true}'::jsonb; END IF;
  END IF;
  PERFORM quota_housekeep(p_account, p_now);
  IF p_lots IS NULL THEN
    SELECT coalesce(sum(remaining), 0) INTO v_available FROM lots
      WHERE account_id = p_account AND model IS NULL AND NOT unlimited AND (expires_at IS NULL OR expires_at > p_now);
    IF v_available < p_tokens THEN
      -- A refusal naming figures gives them, for the app to word (ledger/sql-result.ts figureWords).
      RETURN jsonb_build_object('ok', false, 'code', 'insufficient_tokens', 'says', 'take_back_at_most', 'available', v_available);
    END IF;
  END IF;
  INSERT INTO operations (id, account_id, kind, status, cost, actor_user_id, idem_scope, idem_key, metadata, created_at)
    VALUES (v_op, p_account, p_kind, 'ok', 0, p_actor_user, p_scope, p_key, jsonb_build_object('reason', p_reason), p_now);
  FOR v_lot IN SELECT id, remaining, amount FROM lots
      WHERE account_id = p_account AND NOT unlimited
        AND (CASE WHEN p_lots IS NULL THEN model IS NULL AND (expires_at IS NULL OR expires_at > p_now)
                  ELSE id = ANY(p_lots) END)
      ORDER BY priority DESC, expires_at ASC NULLS LAST, created_at, id LOOP
    v_wanted := v_wanted + v_lot.amount;
    v_take := CASE WHEN p_lots IS NULL OR p_tokens > 0 THEN least(v_lot.remaining, p_tokens - v_total) ELSE v_lot.remaining END;
    IF v_take > 0 THEN
      UPDATE lots SET remaining = remaining - v_take WHERE id = v_lot.id;
      INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
        VALUES (v_op, p_account, v_lot.id, p_kind, -v_take, v_lot.remaining - v_take, p_now);
      v_total := v_total + v_take;
    END IF;
    EXIT WHEN (p_lots IS NULL OR p_tokens > 0) AND v_total = p_tokens;
  END LOOP;
  v_result := jsonb_build_object('ok', true, 'operation_id', v_op, 'taken', v_total,
    'shortfall', CASE WHEN p_lots IS NULL THEN 0 WHEN p_tokens > 0 THEN p_tokens - v_total ELSE v_wanted - v_total END,
    'remaining', quota_lot_balance(p_account, NULL, p_now));
  UPDATE operations SET cost = v_total, response = v_result, balance_after = (v_result->>'remaining')::bigint WHERE id = v_op;
  PERFORM pg_notify('quota_account', p_account::text);
  RETURN v_result;
END $$;

-- The adjustment before it took the most one change may be (another argument list).
DROP FUNCTION IF EXISTS quota_adjust(uuid, text, bigint, text, uuid, text, timestamptz);

-- An admin's manual change of the general (non-model) balance: by a delta, or to an exact figure.
-- One change (the grant, or the debits across however many lots) is at most p_max_change tokens
-- either way (MAX_TOKENS, lib/token-range.ts): a balance may be larger, the sum of its lots. A delta
-- is checked before the call; a set is checked here, against the balance under the account's lock.
-- Setting the balance to 0 is the exception, so an admin can always empty an account in one change.
CREATE OR REPLACE FUNCTION quota_adjust(p_account uuid, p_mode text, p_tokens bigint, p_reason text, p_actor_user uuid, p_key text,
    p_max_change bigint, p_now timestamptz DEFAULT now())
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_current bigint;
  v_delta bigint;
  v_r jsonb;
BEGIN
  PERFORM 1 FROM accounts WHERE id = p_account FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('ok', false, 'code', 'not_found', 'message', 'No such account.');
  END IF;
  IF EXISTS (SELECT 1 FROM lots WHERE grant_key = 'adjust:' || p_key)
     OR EXISTS (SELECT 1 FROM operations WHERE idem_scope = 'adjust' AND idem_key = p_key) THEN
    RETURN jsonb_build_object('ok', true, 'replayed', true, 'delta', 0,
      'balance', coalesce((SELECT sum(remaining) FROM lots WHERE account_id = p_account AND model IS NULL AND NOT unlimited
        AND (expires_at IS NULL OR expires_at > p_now)), 0));
  END IF;
  PERFORM quota_housekeep(p_account, p_now);
  SELECT coalesce(sum(remaining), 0) INTO v_current FROM lots
    WHERE account_id = p_account AND model IS NULL AND NOT unlimited AND (expires_at IS NULL OR expires_at > p_now);
  v_delta := CASE WHEN p_mode = 'set' THEN p_tokens - v_current ELSE p_tokens END;
  IF p_mode = 'set' AND p_tokens <> 0 AND abs(v_delta) > p_max_change THEN
    RETURN jsonb_build_object('ok', false, 'code', 'invalid_input', 'field', 'tokens', 'says', 'change_too_big',
      'balance', v_current, 'delta', v_delta, 'max_change', p_max_change);
  END IF;
  IF v_delta > 0 THEN
    v_r := quota_grant(p_account => p_account, p_tokens => v_delta, p_source => 'admin', p_grant_key => 'adjust:' || p_key,
      p_note => p_reason, p_actor_user => p_actor_user, p_now => p_now);
  ELSIF v_delta < 0 THEN
    v_r := quota_debit_lots(p_account => p_account, p_lots => NULL, p_tokens => -v_delta, p_kind => 'adjust',
      p_reason => p_reason, p_scope => 'adjust', p_key => p_key, p_actor_user => p_actor_user, p_now => p_now);
    IF NOT (v_r->>'ok')::boolean THEN RETURN v_r; END IF;
  END IF;
  RETURN jsonb_build_object('ok', true, 'delta', v_delta, 'balance', v_current + v_delta);
END $$;
