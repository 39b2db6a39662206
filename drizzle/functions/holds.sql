-- Closing a hold: settle (pay part or all of it), release (give it back) or expiry.

-- What paid for a closed hold: the hold's `paid_by` (its sources, in the order they paid) less what
-- the closing operation `p_close` gave back to each, leaving out a source that kept nothing. A settle's
-- answer: its cost (the settled tokens) = Σ tokens; a release's or an expiry's: []. drizzle/0041 wrote
-- the same for the closes made before it.
-- PL/pgSQL, which keeps its plan: a SQL function reading a table is planned again on every call.
CREATE OR REPLACE FUNCTION quota_hold_kept(p_hold_paid jsonb, p_close uuid)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT coalesce(jsonb_agg(p.src || jsonb_build_object('tokens', kept.tokens) ORDER BY p.ord) FILTER (WHERE kept.tokens > 0), '[]'::jsonb)
    FROM jsonb_array_elements(coalesce(p_hold_paid, '[]'::jsonb)) WITH ORDINALITY p(src, ord)
    CROSS JOIN LATERAL (
      SELECT (p.src->>'tokens')::bigint - coalesce(sum(e.amount), 0) AS tokens
        FROM entries e
       WHERE e.operation_id = p_close
         AND CASE WHEN p.src->>'type' = 'lot' THEN e.lot_id = (p.src->>'id')::uuid ELSE e.window_id IS NOT NULL END) kept);
END $$;

-- Settle / release / expiry of a hold, answering `remaining` as consume does (allowance included).
-- The closing operation records no units (its cost is the settled tokens, not units × rate) and,
-- with its answer, `paid_by`: what each of the hold's sources paid of the settled tokens.
CREATE OR REPLACE FUNCTION quota_close_hold(p_hold uuid, p_tokens bigint, p_status text, p_scope text DEFAULT NULL,
    p_key text DEFAULT NULL, p_now timestamptz DEFAULT now())
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  h holds;
  v_back bigint;
  v_give bigint;
  v_entry record;
  v_op uuid := gen_random_uuid();
  v_after bigint;
  v_result jsonb;
  v_actor uuid;
  v_cap jsonb;
  v_lot record;
  v_lot_expired boolean;
  v_expire uuid;
  s site_settings;
BEGIN
  SELECT * INTO h FROM holds WHERE id = p_hold FOR UPDATE;
  SELECT * INTO s FROM site_settings WHERE id = 1;
  SELECT actor_user_id INTO v_actor FROM operations WHERE id = h.operation_id;
  v_back := h.amount - p_tokens;
  INSERT INTO operations (id, account_id, kind, status, feature, model, cost, hold_id, idem_scope, idem_key, created_at)
    VALUES (v_op, h.account_id, CASE p_status WHEN 'settled' THEN 'settle' WHEN 'released' THEN 'release' ELSE 'expire_hold' END,
      'ok', h.feature, h.model, p_tokens, h.id, p_scope, p_key, p_now);
  -- Give back in reverse order of spending.
  FOR v_entry IN SELECT e.lot_id, e.window_id, -e.amount AS took, l.unlimited
      FROM entries e LEFT JOIN lots l ON l.id = e.lot_id
      WHERE e.operation_id = h.operation_id ORDER BY e.id DESC LOOP
    EXIT WHEN v_back = 0;
    v_give := least(v_back, v_entry.took);
    IF v_entry.lot_id IS NOT NULL THEN
      v_lot_expired := false;
      IF v_entry.unlimited THEN
        v_after := NULL;
      ELSE
        UPDATE lots SET remaining = remaining + v_give WHERE id = v_entry.lot_id
          RETURNING remaining, expired_at IS NOT NULL AS expired, model INTO v_lot;
        v_after := v_lot.remaining;
        v_lot_expired := v_lot.expired;
      END IF;
      INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
        VALUES (v_op, h.account_id, v_entry.lot_id, 'release', v_give, v_after, p_now);
      -- A lot whose expiry was recorded while the job ran: what comes back to it expires now, as the rest
      -- of it did (an expiry of its own, after the release), so no spent-out lot keeps tokens nobody can
      -- use, and the statement's balance stays the dashboard's. A lot already announced as expired is
      -- announced again with these tokens (ledger/events.ts announceExpiredLots).
      IF v_lot_expired THEN
        v_expire := gen_random_uuid();
        INSERT INTO operations (id, account_id, kind, status, model, cost, created_at)
          VALUES (v_expire, h.account_id, 'expire', 'ok', v_lot.model, v_give, p_now + interval '1 microsecond');
        INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
          VALUES (v_expire, h.account_id, v_entry.lot_id, 'expire', -v_give, v_after - v_give, p_now + interval '1 microsecond');
        UPDATE lots SET remaining = remaining - v_give, expiry_announced_at = NULL WHERE id = v_entry.lot_id;
      END IF;
    ELSE
      UPDATE allowance_windows SET used = used - v_give WHERE id = v_entry.window_id;
      -- What the window's limit leaves after it, of the module's use in that window under every rule.
      SELECT CASE WHEN w.limit_tokens IS NULL THEN NULL ELSE greatest(w.limit_tokens - quota_allowance_used(w.account_id, r, w.window_start), 0) END
        INTO v_after FROM allowance_windows w JOIN allowance_rules r ON r.id = w.rule_id WHERE w.id = v_entry.window_id;
      INSERT INTO entries (operation_id, account_id, window_id, kind, amount, balance_after, created_at)
        VALUES (v_op, h.account_id, v_entry.window_id, 'release', v_give, v_after, p_now);
    END IF;
    v_back := v_back - v_give;
  END LOOP;
  UPDATE holds SET status = p_status, settled_tokens = p_tokens, closed_at = p_now WHERE id = h.id;
  -- A settle is a use, of 0 tokens too (the job ran; nothing was charged): every count of operations
  -- (Reports, the console's Overview) reads this rollup, and the usage history lists every settle.
  IF p_status = 'settled' THEN
    INSERT INTO usage_daily (account_id, day, feature, model, actor_user_id, tokens, operations)
      VALUES (h.account_id, (p_now AT TIME ZONE s.time_zone)::date, h.feature, coalesce(h.model, ''),
             coalesce(v_actor::text, ''), p_tokens, 1)
      ON CONFLICT (account_id, day, feature, model, actor_user_id)
      DO UPDATE SET tokens = usage_daily.tokens + excluded.tokens, operations = usage_daily.operations + 1;
  END IF;
  v_after := quota_remaining(h.account_id, h.feature, h.model, p_now);
  v_result := jsonb_build_object('ok', true, 'operation_id', v_op, 'hold_id', h.id, 'cost', p_tokens,
    'released', h.amount - p_tokens, 'remaining', v_after, 'status', p_status,
    'paid_by', (SELECT quota_hold_kept(src.response->'paid_by', v_op) FROM operations src WHERE src.id = h.operation_id));
  -- No more than the tightest cap on the hold's use leaves now (a member's own in a team pool), as the
  -- next check says (quota_capped). balance_after keeps `remaining` before the cap (not the statement's balance).
  v_cap := quota_tightest_cap(h.account_id, (SELECT kind FROM accounts WHERE id = h.account_id), v_actor, 0, s, p_now);
  IF v_cap IS NOT NULL THEN
    v_result := quota_capped(v_result, v_cap, 0);
  END IF;
  UPDATE operations o SET response = v_result, balance_after = v_after,
      actor_user_id = src.actor_user_id, actor_key_id = src.actor_key_id
    FROM operations src WHERE o.id = v_op AND src.id = h.operation_id;
  PERFORM pg_notify('quota_account', h.account_id::text);
  RETURN v_result;
END $$;

-- Settle / release a hold, at most once; the same idempotency key replays the first answer.
CREATE OR REPLACE FUNCTION quota_finish_hold(p_hold uuid, p_tokens bigint, p_release boolean, p_scope text, p_key text, p_hash text,
    p_now timestamptz DEFAULT now())
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_account uuid;
  h holds;
  v_result jsonb;
BEGIN
  SELECT account_id INTO v_account FROM holds WHERE id = p_hold;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('ok', false, 'code', 'not_found', 'message', 'No such hold.');
  END IF;
  v_result := quota_claim_key(p_scope, p_key, p_hash);
  IF v_result IS NOT NULL THEN RETURN v_result; END IF;
  PERFORM 1 FROM accounts WHERE id = v_account FOR UPDATE;
  SELECT * INTO h FROM holds WHERE id = p_hold;
  IF h.status = 'open' AND h.expires_at <= p_now THEN
    PERFORM quota_close_hold(p_hold => h.id, p_tokens => 0, p_status => 'expired', p_now => p_now);
    h.status := 'expired';
  END IF;
  IF h.status = 'expired' THEN
    RETURN jsonb_build_object('ok', false, 'code', 'hold_expired', 'message', 'This hold has expired; its tokens were released.');
  ELSIF h.status <> 'open' THEN
    RETURN jsonb_build_object('ok', false, 'code', 'hold_already_settled', 'message', format('This hold is already %s.', h.status));
  END IF;
  IF NOT p_release AND (p_tokens < 0 OR p_tokens > h.amount) THEN
    RETURN jsonb_build_object('ok', false, 'code', 'invalid_input', 'field', 'tokens', 'says', 'settle_past_held', 'held', h.amount);
  END IF;
  v_result := quota_close_hold(h.id, CASE WHEN p_release THEN 0 ELSE p_tokens END,
    CASE WHEN p_release THEN 'released' ELSE 'settled' END, p_scope, p_key, p_now);
  UPDATE operations SET request_hash = p_hash WHERE id = (v_result->>'operation_id')::uuid;
  RETURN v_result;
END $$;
