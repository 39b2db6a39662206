-- The token ledger's write paths are each ONE round trip (one function call) in READ COMMITTED:
-- claim the idempotency key, lock the account row, burn down, write entries, return the result.
-- Node never reads, decides and then writes. CHECK constraints and unique keys are the backstop.

-- check / consume / hold. p_mode: 'check' (no writes, no lock), 'consume', 'hold' (p_hold_tokens for
-- p_hold_ttl_seconds). Called with named arguments; what a mode does not use stays at its default.
-- p_notify false: the caller announces the change after its commit (ledger/change-notices.ts), so
-- notifying consumes do not serialise on the commit's database-wide NOTIFY lock.
-- Returns {ok, code?, message?, details?, cost, paid_by[], remaining, level, active, allowance,
-- operation_id?, hold_id?, expires_at?}; a replay adds replayed: true.
CREATE OR REPLACE FUNCTION quota_spend(
  p_mode text, p_account uuid, p_actor_user uuid DEFAULT NULL, p_actor_key uuid DEFAULT NULL,
  p_feature text DEFAULT NULL, p_units numeric DEFAULT NULL, p_model text DEFAULT NULL,
  p_hold_tokens bigint DEFAULT NULL, p_hold_ttl_seconds int DEFAULT NULL,
  p_scope text DEFAULT NULL, p_key text DEFAULT NULL, p_hash text DEFAULT NULL, p_metadata jsonb DEFAULT NULL,
  p_now timestamptz DEFAULT now(), p_notify boolean DEFAULT true
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  s site_settings;
  f record;
  v_kind text;
  v_cost bigint;
  v_rule allowance_rules;
  v_window_id bigint;
  v_window_used bigint := 0;
  v_window_start timestamptz;
  v_window_end timestamptz;
  v_allow_left bigint;          -- NULL = unlimited
  v_need bigint;
  v_take bigint;
  v_from_allowance bigint := 0;
  v_from_lots bigint := 0;
  v_lot record;
  v_lot_total bigint;
  v_lot_amount bigint;
  v_lot_unlimited boolean;
  v_cap record;
  v_cap_used bigint;
  v_code text;
  v_message text;
  v_op uuid := gen_random_uuid();
  v_hold uuid;
  v_result jsonb;
  v_paid jsonb := '[]'::jsonb;
  v_paid_allowance jsonb := '[]'::jsonb;
  v_used_after bigint;
  v_remaining bigint;
  v_allocation bigint;
  v_level text;
  v_active boolean := true;
  v_phase text;
  v_writes boolean := p_mode <> 'check';
  v_module_name text;
  v_details jsonb;
BEGIN
  p_now := coalesce(p_now, now());
  SELECT * INTO s FROM site_settings WHERE id = 1;

  -- 1. Claim the idempotency key before anything else.
  IF v_writes THEN
    v_result := quota_claim_key(p_scope, p_key, p_hash);
    IF v_result IS NOT NULL THEN RETURN v_result; END IF;
  END IF;

  -- 2. Price it (server-side, whole tokens, rounded up).
  SELECT fe.key, fe.name, fe.module, fe.enabled, fe.tokens_per_unit, m.name AS module_name, m.limit_message, m.on_exhausted INTO f
    FROM features fe JOIN modules m ON m.key = fe.module WHERE fe.key = p_feature;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('ok', false, 'code', 'unknown_feature', 'message', format('Unknown feature %L.', p_feature));
  END IF;
  IF p_model IS NOT NULL AND NOT EXISTS (SELECT 1 FROM models WHERE key = p_model) THEN
    RETURN jsonb_build_object('ok', false, 'code', 'unknown_model', 'message', format('Unknown model %L.', p_model));
  END IF;
  v_cost := CASE WHEN p_mode = 'hold' THEN p_hold_tokens ELSE ceil(p_units * f.tokens_per_unit)::bigint END;

  -- 3. Lock the account: every writer of this account's balances queues here.
  IF v_writes THEN
    SELECT kind INTO v_kind FROM accounts WHERE id = p_account FOR UPDATE;
  ELSE
    SELECT kind INTO v_kind FROM accounts WHERE id = p_account;
  END IF;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('ok', false, 'code', 'not_found', 'message', 'No such account.');
  END IF;
  IF v_writes THEN
    PERFORM quota_housekeep(p_account, p_now);
  END IF;

  -- 4. Work out who pays. Refusals set v_code and fall through to one exit.
  IF NOT f.enabled THEN
    v_code := 'feature_disabled';
    v_message := format('%s is disabled.', f.name);
    v_active := false;
  END IF;

  v_rule := quota_allowance_rule(p_account, f.module);
  IF v_code IS NULL AND v_rule.id IS NOT NULL THEN
    IF v_rule.limit_tokens = 0 THEN
      v_code := 'feature_disabled';
      v_message := f.limit_message;
      v_active := false;
    ELSE
      v_window_start := quota_window_start(v_rule.period, s.time_zone, s.week_start, p_now);
      v_window_end := quota_window_end(v_rule.period, s.time_zone, s.week_start, p_now);
      SELECT id, used INTO v_window_id, v_window_used FROM allowance_windows
        WHERE account_id = p_account AND rule_id = v_rule.id AND window_start = v_window_start;
      v_window_used := coalesce(v_window_used, 0);
      v_allow_left := CASE WHEN v_rule.limit_tokens IS NULL THEN NULL
                           ELSE greatest(v_rule.limit_tokens - v_window_used, 0) END;
    END IF;
  END IF;

  -- Caps: per-period spending limits that hold even with tokens available (open holds count too).
  IF v_code IS NULL THEN
    FOR v_cap IN
      SELECT c.period, c.limit_tokens, c.member_user_id FROM quota_account_caps(p_account) c
       WHERE c.member_user_id IS NULL OR c.member_user_id = p_actor_user
    LOOP
      SELECT coalesce(sum(tokens), 0) INTO v_cap_used FROM usage_daily
       WHERE account_id = p_account
         AND day >= (quota_window_start(v_cap.period, s.time_zone, s.week_start, p_now) AT TIME ZONE s.time_zone)::date
         AND (v_cap.member_user_id IS NULL OR actor_user_id = v_cap.member_user_id::text);
      v_cap_used := v_cap_used + coalesce((SELECT sum(amount) FROM holds WHERE account_id = p_account AND status = 'open'), 0);
      IF v_cap_used + v_cost > v_cap.limit_tokens THEN
        v_code := 'cap_reached';
        v_details := quota_limit_details(CASE WHEN v_cap.member_user_id IS NOT NULL THEN 'member' ELSE v_kind END,
          v_cost, v_cap.limit_tokens, v_cap_used, v_cap.period,
          quota_window_end(v_cap.period, s.time_zone, s.week_start, p_now), s.time_zone);
        EXIT;
      END IF;
    END LOOP;
  END IF;

  -- What the lots usable here hold: for the plan, the remaining figure and the level.
  SELECT coalesce(sum(remaining) FILTER (WHERE NOT unlimited), 0), coalesce(sum(amount) FILTER (WHERE NOT unlimited), 0),
         coalesce(bool_or(unlimited), false)
    INTO v_lot_total, v_lot_amount, v_lot_unlimited
    FROM lots WHERE account_id = p_account AND (model IS NULL OR model = p_model)
     AND (expires_at IS NULL OR expires_at > p_now);

  -- Enough to pay? Decided from the totals, so the burn-down below can write as it goes.
  IF v_code IS NULL AND NOT (v_lot_unlimited OR (v_rule.id IS NOT NULL AND v_allow_left IS NULL)
      OR CASE WHEN v_rule.id IS NULL THEN 0 ELSE v_allow_left END + v_lot_total >= v_cost) THEN
    IF v_rule.id IS NOT NULL AND v_lot_total = 0 THEN
      v_code := 'allowance_exhausted';
      v_details := quota_limit_details('allowance', v_cost, v_rule.limit_tokens, v_window_used, v_rule.period, v_window_end, s.time_zone)
        || jsonb_build_object('module', f.module_name, 'module_message', f.limit_message);
      -- The module's own words ("You have used your free chat tokens…"): the app shows them only when nothing is left.
      v_message := f.limit_message;
      v_active := f.on_exhausted <> 'inactive';
    ELSE
      v_code := 'insufficient_tokens';
      v_details := jsonb_build_object('cost', v_cost, 'available', coalesce(v_allow_left, 0) + v_lot_total);
      v_message := NULL;
    END IF;
  END IF;

  -- 5. Burn down: allowance first (what resets is lost anyway), or lots first (balance-first).
  -- consume / hold write as they go; a check only describes who would pay.
  IF v_code IS NULL THEN
    v_need := v_cost;
    FOREACH v_phase IN ARRAY CASE WHEN s.spend_order = 'balance-first' THEN ARRAY['lots', 'allowance'] ELSE ARRAY['allowance', 'lots'] END LOOP
      EXIT WHEN v_need = 0;
      IF v_phase = 'allowance' AND v_rule.id IS NOT NULL THEN
        v_from_allowance := CASE WHEN v_allow_left IS NULL THEN v_need ELSE least(v_need, v_allow_left) END;
        v_need := v_need - v_from_allowance;
        CONTINUE WHEN v_from_allowance = 0;
        IF v_writes THEN
          INSERT INTO allowance_windows (account_id, rule_id, window_start, window_end, limit_tokens, used)
            VALUES (p_account, v_rule.id, v_window_start, v_window_end, v_rule.limit_tokens, v_from_allowance)
            ON CONFLICT (account_id, rule_id, window_start)
            DO UPDATE SET used = allowance_windows.used + excluded.used, limit_tokens = excluded.limit_tokens
            RETURNING id INTO v_window_id;
          INSERT INTO entries (operation_id, account_id, window_id, kind, amount, balance_after, created_at)
            VALUES (v_op, p_account, v_window_id, p_mode, -v_from_allowance,
              v_rule.limit_tokens - v_window_used - v_from_allowance, p_now);
        END IF;
        v_paid_allowance := jsonb_build_array(jsonb_build_object('type', 'allowance',
          'id', v_rule.id, 'label', f.module, 'model', NULL,
          'tokens', v_from_allowance, 'unlimited', v_rule.limit_tokens IS NULL));
      ELSIF v_phase = 'lots' THEN
        FOR v_lot IN SELECT id, remaining, unlimited, model, source FROM lots
            WHERE account_id = p_account AND (model IS NULL OR model = p_model)
              AND (expires_at IS NULL OR expires_at > p_now) AND (remaining > 0 OR unlimited)
            ORDER BY (model IS NULL), priority DESC, expires_at ASC NULLS LAST, created_at, id LOOP
          v_take := CASE WHEN v_lot.unlimited THEN v_need ELSE least(v_need, v_lot.remaining) END;
          IF v_writes THEN
            IF NOT v_lot.unlimited THEN
              UPDATE lots SET remaining = remaining - v_take WHERE id = v_lot.id;
            END IF;
            INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
              VALUES (v_op, p_account, v_lot.id, p_mode, -v_take,
                CASE WHEN v_lot.unlimited THEN NULL ELSE v_lot.remaining - v_take END, p_now);
          END IF;
          v_paid := v_paid || jsonb_build_object('type', 'lot', 'id', v_lot.id, 'label', v_lot.source,
            'model', v_lot.model, 'tokens', v_take, 'unlimited', v_lot.unlimited);
          IF NOT v_lot.unlimited THEN v_from_lots := v_from_lots + v_take; END IF;
          v_need := v_need - v_take;
          EXIT WHEN v_need = 0;
        END LOOP;
      END IF;
    END LOOP;
  END IF;

  -- Who paid, in the order they paid.
  v_paid := CASE WHEN s.spend_order = 'balance-first' THEN v_paid || v_paid_allowance ELSE v_paid_allowance || v_paid END;

  -- 6. What is left, and the green/yellow/red level.
  v_used_after := v_window_used + v_from_allowance;
  -- `remaining` has one definition (quota_remaining); a check describes the state after it.
  v_remaining := quota_remaining(p_account, p_feature, p_model, p_now);
  IF NOT v_writes AND v_code IS NULL THEN v_remaining := v_remaining - v_cost; END IF;
  v_allocation := v_lot_amount + CASE WHEN v_rule.id IS NULL THEN 0 ELSE coalesce(v_rule.limit_tokens, 0) END;
  v_level := CASE WHEN v_remaining IS NULL THEN 'ok'
                  WHEN v_remaining <= 0 OR v_code IS NOT NULL THEN 'empty'
                  WHEN v_allocation > 0 AND v_remaining * 100 < v_allocation * s.low_share_percent THEN 'low'
                  ELSE 'ok' END;

  v_result := jsonb_build_object(
    'ok', v_code IS NULL, 'code', v_code, 'message', v_message, 'details', v_details, 'cost', v_cost,
    'paid_by', v_paid, 'remaining', v_remaining, 'level', v_level, 'active', v_active,
    'allowance', CASE WHEN v_rule.id IS NULL THEN NULL ELSE jsonb_build_object(
      'module', f.module, 'used', CASE WHEN v_writes THEN v_used_after ELSE v_window_used END,
      'limit', v_rule.limit_tokens, 'period', v_rule.period, 'resets_at', v_window_end) END);
  IF NOT v_writes THEN
    RETURN v_result;
  END IF;

  IF v_code IS NULL THEN
    IF p_mode = 'hold' THEN
      v_hold := gen_random_uuid();
      INSERT INTO holds (id, account_id, operation_id, feature, model, amount, status, expires_at, created_at)
        VALUES (v_hold, p_account, v_op, p_feature, p_model, v_cost, 'open',
          p_now + make_interval(secs => p_hold_ttl_seconds), p_now);
    ELSE
      INSERT INTO usage_daily (account_id, day, feature, model, actor_user_id, tokens, operations)
        VALUES (p_account, (p_now AT TIME ZONE s.time_zone)::date, p_feature, coalesce(p_model, ''),
          coalesce(p_actor_user::text, ''), v_cost, 1)
        ON CONFLICT (account_id, day, feature, model, actor_user_id)
        DO UPDATE SET tokens = usage_daily.tokens + excluded.tokens, operations = usage_daily.operations + 1;
    END IF;
    v_result := v_result || jsonb_build_object('operation_id', v_op, 'hold_id', v_hold,
      'expires_at', CASE WHEN v_hold IS NULL THEN NULL ELSE p_now + make_interval(secs => p_hold_ttl_seconds) END);
    IF p_notify THEN
      PERFORM pg_notify('quota_account', p_account::text);
    END IF;
  END IF;
  -- A refusal changes no balance, but is remembered under its key so a retry gets the same answer.
  INSERT INTO operations (id, account_id, kind, status, code, feature, model, units, cost, actor_user_id, actor_key_id,
      hold_id, idem_scope, idem_key, request_hash, response, balance_after, metadata, created_at)
    VALUES (v_op, p_account, p_mode, CASE WHEN v_code IS NULL THEN 'ok' ELSE 'refused' END, v_code, p_feature, p_model,
      p_units, v_cost, p_actor_user, p_actor_key, v_hold, p_scope, p_key, p_hash, v_result,
      CASE WHEN v_code IS NULL THEN v_remaining END, p_metadata, p_now);
  RETURN v_result;
END $$;
