-- The token ledger's write paths. Each is ONE round trip (one function call) in READ COMMITTED:
-- claim the idempotency key, lock the account row, burn down, write entries, return the result.
-- Node never reads, decides and then writes. CHECK constraints and unique keys are the backstop.

-- Entries are append-only.
CREATE FUNCTION quota_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
  FOR EACH ROW EXECUTE FUNCTION quota_reject_change();
--> statement-breakpoint
INSERT INTO site_settings (id) VALUES (1) ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Lets each consume's housekeeping find lots that have expired but not yet recorded in a few index probes.
CREATE INDEX lots_unrecorded_expiry_idx ON lots (account_id, expires_at) WHERE expired_at IS NULL AND expires_at IS NOT NULL;
--> statement-breakpoint

-- Period boundaries at local midnight in the site's time zone (DST-safe: local time, then back to UTC).
CREATE FUNCTION quota_window_start(p_period text, p_tz text, p_week_start int, p_now timestamptz)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_local timestamp := p_now AT TIME ZONE p_tz;
BEGIN
  -- plpgsql rather than SQL: its plans are cached, and this runs on every consume.
  RETURN CASE p_period
    WHEN 'daily' THEN date_trunc('day', v_local) AT TIME ZONE p_tz
    WHEN 'weekly' THEN (date_trunc('day', v_local)
        - make_interval(days => ((extract(dow FROM v_local)::int - p_week_start + 7) % 7))) AT TIME ZONE p_tz
    WHEN 'monthly' THEN date_trunc('month', v_local) AT TIME ZONE p_tz
    ELSE '-infinity'::timestamptz
  END;
END $$;
--> statement-breakpoint
CREATE FUNCTION quota_window_end(p_period text, p_tz text, p_week_start int, p_now timestamptz)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_start timestamp := quota_window_start(p_period, p_tz, p_week_start, p_now) AT TIME ZONE p_tz;
BEGIN
  RETURN CASE p_period
    WHEN 'daily' THEN (v_start + interval '1 day') AT TIME ZONE p_tz
    WHEN 'weekly' THEN (v_start + interval '7 days') AT TIME ZONE p_tz
    WHEN 'monthly' THEN (v_start + interval '1 month') AT TIME ZONE p_tz
    ELSE NULL
  END;
END $$;
--> statement-breakpoint

-- The allowance rule that applies to an account for a module: member > role > all users; team; guest.
CREATE FUNCTION quota_allowance_rule(p_account uuid, p_module text)
RETURNS allowance_rules LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_rule allowance_rules;
BEGIN
  SELECT r.* INTO v_rule FROM accounts a
  LEFT JOIN users u ON u.account_id = a.id
  LEFT JOIN teams t ON t.account_id = a.id
  JOIN allowance_rules r ON r.module = p_module AND (
       (a.kind = 'guest' AND r.audience = 'guest')
    OR (a.kind = 'user' AND r.audience = 'member' AND r.user_id = u.id)
    OR (a.kind = 'user' AND r.audience = 'role' AND r.role = u.site_role)
    OR (a.kind = 'user' AND r.audience = 'user')
    OR (a.kind = 'team' AND r.audience = 'team' AND r.team_id = t.id))
  WHERE a.id = p_account
  ORDER BY CASE r.audience WHEN 'member' THEN 0 WHEN 'role' THEN 1 ELSE 2 END
  LIMIT 1;
  RETURN v_rule;
END $$;
--> statement-breakpoint

-- Spendable tokens for a model now: lots not expired (general + that model). NULL = unlimited.
CREATE FUNCTION quota_lot_balance(p_account uuid, p_model text, p_now timestamptz)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
  v bigint;
BEGIN
  SELECT CASE WHEN bool_or(unlimited) THEN NULL ELSE coalesce(sum(remaining), 0)::bigint END INTO v
  FROM lots
  WHERE account_id = p_account AND (model IS NULL OR model = p_model)
    AND (expires_at IS NULL OR expires_at > p_now);
  RETURN v;
END $$;
--> statement-breakpoint

-- Records what expired lots lost, and returns expired holds' tokens. Caller holds the account lock.
CREATE FUNCTION quota_housekeep(p_account uuid, p_now timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_lot record;
  v_hold record;
  v_op uuid;
BEGIN
  FOR v_hold IN SELECT id FROM holds WHERE account_id = p_account AND status = 'open' AND expires_at <= p_now LOOP
    PERFORM quota_close_hold(v_hold.id, 0, 'expired', NULL, NULL, p_now);
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
--> statement-breakpoint

-- Claims an idempotency key (scoped to its caller) for this transaction. NULL: go ahead.
-- Otherwise the answer to give: the first request's stored answer, or why the key cannot be used.
CREATE FUNCTION quota_claim_key(p_scope text, p_key text, p_hash text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_existing record;
BEGIN
  IF p_key IS NULL THEN RETURN NULL; END IF;
  -- Held until commit: a second request with the key while the first runs is told so at once.
  IF NOT pg_try_advisory_xact_lock(hashtextextended(p_scope || chr(31) || p_key, 7243)) THEN
    RETURN jsonb_build_object('ok', false, 'code', 'idempotency_key_in_flight',
      'message', 'A request with this idempotency key is still being processed.');
  END IF;
  SELECT request_hash, response INTO v_existing FROM operations WHERE idem_scope = p_scope AND idem_key = p_key;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF v_existing.request_hash IS DISTINCT FROM p_hash THEN
    RETURN jsonb_build_object('ok', false, 'code', 'idempotency_key_reused',
      'message', 'This idempotency key was already used with a different request.');
  END IF;
  RETURN v_existing.response || '{"replayed": true}'::jsonb;
END $$;
--> statement-breakpoint

-- check / consume / hold. p_mode: 'check' (no writes, no lock), 'consume', 'hold'.
-- Returns {ok, code?, message?, cost, paid_by[], remaining, level, active, allowance, operation_id?, hold_id?}.
CREATE FUNCTION quota_spend(
  p_mode text, p_account uuid, p_actor_user uuid, p_actor_key uuid,
  p_feature text, p_units numeric, p_model text, p_hold_tokens bigint, p_hold_ttl_seconds int,
  p_scope text, p_key text, p_hash text, p_metadata jsonb, p_now timestamptz DEFAULT now()
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
BEGIN
  p_now := coalesce(p_now, now());
  SELECT * INTO s FROM site_settings WHERE id = 1;

  -- 1. Claim the idempotency key before anything else.
  IF v_writes THEN
    v_result := quota_claim_key(p_scope, p_key, p_hash);
    IF v_result IS NOT NULL THEN RETURN v_result; END IF;
  END IF;

  -- 2. Price it (server-side, whole tokens, rounded up).
  SELECT fe.key, fe.name, fe.module, fe.enabled, fe.tokens_per_unit, m.limit_message, m.on_exhausted INTO f
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
      SELECT c.period, c.limit_tokens, c.member_user_id FROM caps c
       WHERE c.account_id = p_account AND c.limit_tokens IS NOT NULL AND c.limit_tokens >= 0
         AND (c.member_user_id IS NULL OR c.member_user_id = p_actor_user)
      UNION ALL
      SELECT 'daily', s.default_team_daily_cap, NULL::uuid
       WHERE v_kind = 'team' AND s.default_team_daily_cap IS NOT NULL AND s.default_team_daily_cap >= 0
         AND NOT EXISTS (SELECT 1 FROM caps c WHERE c.account_id = p_account AND c.member_user_id IS NULL AND c.period = 'daily')
    LOOP
      SELECT coalesce(sum(tokens), 0) INTO v_cap_used FROM usage_daily
       WHERE account_id = p_account
         AND day >= (quota_window_start(v_cap.period, s.time_zone, s.week_start, p_now) AT TIME ZONE s.time_zone)::date
         AND (v_cap.member_user_id IS NULL OR actor_user_id = v_cap.member_user_id::text);
      v_cap_used := v_cap_used + coalesce((SELECT sum(amount) FROM holds WHERE account_id = p_account AND status = 'open'), 0);
      IF v_cap_used + v_cost > v_cap.limit_tokens THEN
        v_code := 'cap_reached';
        v_message := format('The %s spending limit of %s tokens is reached; it resets %s.',
          v_cap.period, v_cap.limit_tokens,
          to_char(quota_window_end(v_cap.period, s.time_zone, s.week_start, p_now) AT TIME ZONE s.time_zone, 'YYYY-MM-DD HH24:MI'));
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
      v_message := f.limit_message;
      v_active := f.on_exhausted <> 'inactive';
    ELSE
      v_code := 'insufficient_tokens';
      v_message := format('Not enough tokens: this costs %s.', v_cost);
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
          'id', coalesce(v_window_id::text, v_rule.id::text), 'label', f.module, 'model', NULL,
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
  v_allow_left := CASE WHEN v_rule.id IS NULL OR v_rule.limit_tokens = 0 THEN 0
                       WHEN v_rule.limit_tokens IS NULL THEN NULL
                       ELSE greatest(v_rule.limit_tokens - v_used_after, 0) END;
  v_remaining := CASE WHEN v_lot_unlimited OR (v_rule.id IS NOT NULL AND v_rule.limit_tokens IS NULL) THEN NULL
                      ELSE v_allow_left + v_lot_total - v_from_lots END;
  v_allocation := v_lot_amount + CASE WHEN v_rule.id IS NULL THEN 0 ELSE coalesce(v_rule.limit_tokens, 0) END;
  v_level := CASE WHEN v_remaining IS NULL THEN 'ok'
                  WHEN v_remaining <= 0 OR v_code IS NOT NULL THEN 'empty'
                  WHEN v_allocation > 0 AND v_remaining * 100 < v_allocation * s.low_share_percent THEN 'low'
                  ELSE 'ok' END;

  v_result := jsonb_build_object(
    'ok', v_code IS NULL, 'code', v_code, 'message', v_message, 'cost', v_cost,
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
    PERFORM pg_notify('quota_account', p_account::text);
  END IF;
  -- A refusal changes no balance, but is remembered under its key so a retry gets the same answer.
  INSERT INTO operations (id, account_id, kind, status, code, feature, model, units, cost, actor_user_id, actor_key_id,
      hold_id, idem_scope, idem_key, request_hash, response, balance_after, metadata, created_at)
    VALUES (v_op, p_account, p_mode, CASE WHEN v_code IS NULL THEN 'ok' ELSE 'refused' END, v_code, p_feature, p_model,
      p_units, v_cost, p_actor_user, p_actor_key, v_hold, p_scope, p_key, p_hash, v_result,
      CASE WHEN v_code IS NULL THEN v_remaining END, p_metadata, p_now);
  RETURN v_result;
END $$;
--> statement-breakpoint

-- Closes a hold: settle with the real amount (the rest goes back where it came from), release (0), or expire.
-- Caller holds the account lock. Returns the closing operation's result.
CREATE FUNCTION quota_close_hold(p_hold uuid, p_tokens bigint, p_status text, p_scope text, p_key text, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  h holds;
  v_back bigint;
  v_give bigint;
  v_entry record;
  v_op uuid := gen_random_uuid();
  v_after bigint;
  v_result jsonb;
  s site_settings;
BEGIN
  SELECT * INTO h FROM holds WHERE id = p_hold FOR UPDATE;
  SELECT * INTO s FROM site_settings WHERE id = 1;
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
      IF v_entry.unlimited THEN
        v_after := NULL;
      ELSE
        UPDATE lots SET remaining = remaining + v_give WHERE id = v_entry.lot_id RETURNING remaining INTO v_after;
      END IF;
      INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
        VALUES (v_op, h.account_id, v_entry.lot_id, 'release', v_give, v_after, p_now);
    ELSE
      UPDATE allowance_windows SET used = used - v_give WHERE id = v_entry.window_id
        RETURNING CASE WHEN limit_tokens IS NULL THEN NULL ELSE limit_tokens - used END INTO v_after;
      INSERT INTO entries (operation_id, account_id, window_id, kind, amount, balance_after, created_at)
        VALUES (v_op, h.account_id, v_entry.window_id, 'release', v_give, v_after, p_now);
    END IF;
    v_back := v_back - v_give;
  END LOOP;
  UPDATE holds SET status = p_status, settled_tokens = p_tokens, closed_at = p_now WHERE id = h.id;
  IF p_tokens > 0 THEN
    INSERT INTO usage_daily (account_id, day, feature, model, actor_user_id, tokens, operations)
      SELECT h.account_id, (p_now AT TIME ZONE s.time_zone)::date, h.feature, coalesce(h.model, ''),
             coalesce(o.actor_user_id::text, ''), p_tokens, 1
        FROM operations o WHERE o.id = h.operation_id
      ON CONFLICT (account_id, day, feature, model, actor_user_id)
      DO UPDATE SET tokens = usage_daily.tokens + excluded.tokens, operations = usage_daily.operations + 1;
  END IF;
  v_after := quota_lot_balance(h.account_id, h.model, p_now);
  v_result := jsonb_build_object('ok', true, 'operation_id', v_op, 'hold_id', h.id, 'cost', p_tokens,
    'released', h.amount - p_tokens, 'remaining', v_after, 'status', p_status);
  UPDATE operations o SET response = v_result, balance_after = v_after,
      actor_user_id = src.actor_user_id, actor_key_id = src.actor_key_id, units = src.units
    FROM operations src WHERE o.id = v_op AND src.id = h.operation_id;
  PERFORM pg_notify('quota_account', h.account_id::text);
  RETURN v_result;
END $$;
--> statement-breakpoint

-- settle / release a hold, at most once; the same idempotency key replays the first answer.
CREATE FUNCTION quota_finish_hold(p_hold uuid, p_tokens bigint, p_release boolean, p_scope text, p_key text, p_hash text,
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
    PERFORM quota_close_hold(h.id, 0, 'expired', NULL, NULL, p_now);
    h.status := 'expired';
  END IF;
  IF h.status = 'expired' THEN
    RETURN jsonb_build_object('ok', false, 'code', 'hold_expired', 'message', 'This hold has expired; its tokens were released.');
  ELSIF h.status <> 'open' THEN
    RETURN jsonb_build_object('ok', false, 'code', 'hold_already_settled', 'message', format('This hold is already %s.', h.status));
  END IF;
  IF NOT p_release AND (p_tokens < 0 OR p_tokens > h.amount) THEN
    RETURN jsonb_build_object('ok', false, 'code', 'invalid_input',
      'message', format('tokens must be between 0 and the %s held.', h.amount));
  END IF;
  v_result := quota_close_hold(h.id, CASE WHEN p_release THEN 0 ELSE p_tokens END,
    CASE WHEN p_release THEN 'released' ELSE 'settled' END, p_scope, p_key, p_now);
  UPDATE operations SET request_hash = p_hash WHERE id = (v_result->>'operation_id')::uuid;
  RETURN v_result;
END $$;
--> statement-breakpoint

-- A grant: one lot, at most once per grant key.
CREATE FUNCTION quota_grant(p_account uuid, p_tokens bigint, p_source text, p_model text, p_priority int,
    p_expires timestamptz, p_unlimited boolean, p_grant_key text, p_note text, p_actor_user uuid, p_actor_key uuid,
    p_now timestamptz DEFAULT now())
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_op uuid := gen_random_uuid();
  v_lot uuid;
BEGIN
  p_now := coalesce(p_now, now());
  IF p_grant_key IS NOT NULL THEN
    SELECT id, operation_id INTO v_lot, v_op FROM lots WHERE grant_key = p_grant_key;
    IF FOUND THEN
      RETURN jsonb_build_object('ok', true, 'created', false, 'lot_id', v_lot, 'operation_id', v_op);
    END IF;
    v_op := gen_random_uuid();
  END IF;
  PERFORM 1 FROM accounts WHERE id = p_account FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('ok', false, 'code', 'not_found', 'message', 'No such account.');
  END IF;
  INSERT INTO lots (account_id, source, model, priority, amount, remaining, unlimited, expires_at, grant_key, operation_id, note, created_at)
    VALUES (p_account, p_source, p_model, coalesce(p_priority, 0), CASE WHEN p_unlimited THEN 0 ELSE p_tokens END,
      CASE WHEN p_unlimited THEN 0 ELSE p_tokens END, p_unlimited, p_expires, p_grant_key, v_op, p_note, p_now)
    ON CONFLICT (grant_key) DO NOTHING
    RETURNING id INTO v_lot;
  IF v_lot IS NULL THEN
    -- A concurrent grant with the same key won.
    SELECT id, operation_id INTO v_lot, v_op FROM lots WHERE grant_key = p_grant_key;
    RETURN jsonb_build_object('ok', true, 'created', false, 'lot_id', v_lot, 'operation_id', v_op);
  END IF;
  INSERT INTO operations (id, account_id, kind, status, model, cost, actor_user_id, actor_key_id, metadata, created_at,
      balance_after)
    VALUES (v_op, p_account, 'grant', 'ok', p_model, CASE WHEN p_unlimited THEN 0 ELSE p_tokens END, p_actor_user, p_actor_key,
      jsonb_build_object('source', p_source, 'note', p_note, 'unlimited', p_unlimited, 'lot_id', v_lot),
      p_now, quota_lot_balance(p_account, p_model, p_now));
  PERFORM pg_notify('quota_account', p_account::text);
  RETURN jsonb_build_object('ok', true, 'created', true, 'lot_id', v_lot, 'operation_id', v_op);
END $$;
--> statement-breakpoint

-- Takes tokens back from lots (refund, chargeback, admin debit): what is left, never below zero.
-- p_lots NULL: debit the account's general lots in spend order, refusing when there is not enough.
CREATE FUNCTION quota_debit_lots(p_account uuid, p_lots uuid[], p_tokens bigint, p_kind text, p_reason text,
    p_scope text, p_key text, p_actor_user uuid, p_now timestamptz DEFAULT now())
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
      RETURN jsonb_build_object('ok', false, 'code', 'insufficient_tokens',
        'message', format('Only %s tokens are there to take back.', v_available));
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
    v_take := CASE WHEN p_lots IS NULL THEN least(v_lot.remaining, p_tokens - v_total) ELSE v_lot.remaining END;
    IF v_take > 0 THEN
      UPDATE lots SET remaining = remaining - v_take WHERE id = v_lot.id;
      INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
        VALUES (v_op, p_account, v_lot.id, p_kind, -v_take, v_lot.remaining - v_take, p_now);
      v_total := v_total + v_take;
    END IF;
    EXIT WHEN p_lots IS NULL AND v_total = p_tokens;
  END LOOP;
  v_result := jsonb_build_object('ok', true, 'operation_id', v_op, 'taken', v_total,
    'shortfall', CASE WHEN p_lots IS NULL THEN 0 ELSE v_wanted - v_total END,
    'remaining', quota_lot_balance(p_account, NULL, p_now));
  UPDATE operations SET cost = v_total, response = v_result, balance_after = (v_result->>'remaining')::bigint WHERE id = v_op;
  PERFORM pg_notify('quota_account', p_account::text);
  RETURN v_result;
END $$;
--> statement-breakpoint

-- Ends lots now (a subscription period replaced by the next): records what they lose.
CREATE FUNCTION quota_end_lots(p_lots uuid[], p_now timestamptz DEFAULT now()) RETURNS void LANGUAGE plpgsql AS $$
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
--> statement-breakpoint

-- An admin's manual change of the general (non-model) balance: by a delta, or to an exact figure.
CREATE FUNCTION quota_adjust(p_account uuid, p_mode text, p_tokens bigint, p_reason text, p_actor_user uuid, p_key text,
    p_now timestamptz DEFAULT now())
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
  IF v_delta > 0 THEN
    v_r := quota_grant(p_account, v_delta, 'admin', NULL, 0, NULL, false, 'adjust:' || p_key, p_reason, p_actor_user, NULL, p_now);
  ELSIF v_delta < 0 THEN
    v_r := quota_debit_lots(p_account, NULL, -v_delta, 'adjust', p_reason, 'adjust', p_key, p_actor_user, p_now);
    IF NOT (v_r->>'ok')::boolean THEN RETURN v_r; END IF;
  END IF;
  RETURN jsonb_build_object('ok', true, 'delta', v_delta, 'balance', v_current + v_delta);
END $$;
--> statement-breakpoint

-- Expires what is due everywhere (open holds past their TTL, lots past expiry), one account at a time.
-- Balances are right without it (expired lots stop counting at once); this returns held tokens and
-- records losses for accounts that are not being used. Returns how many accounts it touched.
CREATE FUNCTION quota_sweep(p_limit int DEFAULT 500, p_now timestamptz DEFAULT now()) RETURNS int LANGUAGE plpgsql AS $$
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
