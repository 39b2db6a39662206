-- 0007: one key = one request = one stored answer on grants (and on settings writes and checkouts);
-- one definition of `remaining`; refusals state their reason's figures (`details`), worded by the app;
-- an allowance payer is named by its rule id (the same in /check and /consume).
-- Grants: the first grant's request hash and answer are stored on its operation; the same key with
-- another request is refused (idempotency_key_reused), a replay gets the stored first answer.
ALTER TABLE applied_client_writes ADD COLUMN request_hash text;
--> statement-breakpoint
ALTER TABLE orders ADD COLUMN checkout_key text;
--> statement-breakpoint
ALTER TABLE orders ADD COLUMN request_hash text;
--> statement-breakpoint
CREATE UNIQUE INDEX orders_checkout_key_idx ON orders (user_id, checkout_key);
--> statement-breakpoint

-- What a refusal by a limit (a cap or a free allowance) states, for the message the app words from it
-- (src/lib/refusal-message.ts): cost, the limit, used and left of it this period, the period, when it
-- resets, the site's time zone, and whose limit it is (limit_of: account, team, member, allowance).
CREATE OR REPLACE FUNCTION quota_limit_details(p_limit_of text, p_cost bigint, p_limit bigint, p_used bigint, p_period text,
    p_resets_at timestamptz, p_tz text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('limit_of', p_limit_of, 'cost', p_cost, 'limit', p_limit, 'used', p_used,
    'left', greatest(p_limit - p_used, 0), 'period', p_period, 'resets_at', p_resets_at, 'time_zone', p_tz)
$$;
--> statement-breakpoint

-- The spending limits that apply to an account: its own caps (whole account, or one member's use of a
-- team pool) and, for a team without a daily limit of its own, the site's default team daily limit.
-- One definition for quota_spend and for what the Team page shows.
CREATE OR REPLACE FUNCTION quota_account_caps(p_account uuid)
RETURNS TABLE (period text, limit_tokens bigint, member_user_id uuid, site_default boolean) LANGUAGE sql STABLE AS $$
  SELECT c.period, c.limit_tokens, c.member_user_id, false FROM caps c
   WHERE c.account_id = p_account AND c.limit_tokens IS NOT NULL AND c.limit_tokens >= 0
  UNION ALL
  SELECT 'daily', s.default_team_daily_cap, NULL::uuid, true
    FROM site_settings s JOIN accounts a ON a.id = p_account AND a.kind = 'team'
   WHERE s.id = 1 AND s.default_team_daily_cap IS NOT NULL AND s.default_team_daily_cap >= 0
     AND NOT EXISTS (SELECT 1 FROM caps c WHERE c.account_id = p_account AND c.member_user_id IS NULL AND c.period = 'daily')
$$;
--> statement-breakpoint

-- What is left to spend on a feature (and model) now: what its module's free allowance has left in
-- the current window plus the usable lots (general and that model's; open holds already deducted).
-- NULL = unlimited. The one definition of `remaining` for check, consume, hold, settle, release and history.
CREATE OR REPLACE FUNCTION quota_remaining(p_account uuid, p_feature text, p_model text, p_now timestamptz)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
  s site_settings;
  v_rule allowance_rules;
  v_lots bigint := quota_lot_balance(p_account, p_model, p_now);
  v_used bigint;
BEGIN
  IF v_lots IS NULL THEN RETURN NULL; END IF;
  v_rule := quota_allowance_rule(p_account, (SELECT module FROM features WHERE key = p_feature));
  IF v_rule.id IS NULL OR v_rule.limit_tokens = 0 THEN RETURN v_lots; END IF;
  IF v_rule.limit_tokens IS NULL THEN RETURN NULL; END IF;
  SELECT * INTO s FROM site_settings WHERE id = 1;
  SELECT used INTO v_used FROM allowance_windows WHERE account_id = p_account AND rule_id = v_rule.id
     AND window_start = quota_window_start(v_rule.period, s.time_zone, s.week_start, p_now);
  RETURN greatest(v_rule.limit_tokens - coalesce(v_used, 0), 0) + v_lots;
END $$;
--> statement-breakpoint

-- A grant: one lot, at most once per grant key. The key's first request (its hash) and answer are kept
-- on the grant's operation: the same request replays that answer (created false), another is refused.
DROP FUNCTION quota_grant(uuid, bigint, text, text, int, timestamptz, boolean, text, text, uuid, uuid, timestamptz);
--> statement-breakpoint
CREATE FUNCTION quota_grant(p_account uuid, p_tokens bigint, p_source text, p_model text, p_priority int,
    p_expires timestamptz, p_unlimited boolean, p_grant_key text, p_note text, p_actor_user uuid, p_actor_key uuid,
    p_now timestamptz DEFAULT now(), p_hash text DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_op uuid := gen_random_uuid();
  v_lot uuid;
  v_first record;
  v_result jsonb;
BEGIN
  p_now := coalesce(p_now, now());
  IF p_grant_key IS NOT NULL THEN
    -- Held until commit: a concurrent grant with the same key waits here, then finds this one.
    PERFORM pg_advisory_xact_lock(hashtextextended('grant' || chr(31) || p_grant_key, 7243));
    SELECT l.id, l.operation_id, l.amount, o.request_hash, o.response INTO v_first
      FROM lots l LEFT JOIN operations o ON o.id = l.operation_id WHERE l.grant_key = p_grant_key;
    IF FOUND THEN
      IF p_hash IS NOT NULL AND v_first.request_hash IS NOT NULL AND v_first.request_hash <> p_hash THEN
        RETURN jsonb_build_object('ok', false, 'code', 'idempotency_key_reused',
          'message', 'This idempotency key was already used with a different request.');
      END IF;
      RETURN coalesce(v_first.response, jsonb_build_object('ok', true, 'lot_id', v_first.id,
        'operation_id', v_first.operation_id, 'tokens', v_first.amount)) || '{"created": false}'::jsonb;
    END IF;
  END IF;
  PERFORM 1 FROM accounts WHERE id = p_account FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('ok', false, 'code', 'not_found', 'message', 'No such account.');
  END IF;
  IF p_model IS NOT NULL AND NOT EXISTS (SELECT 1 FROM models WHERE key = p_model) THEN
    RETURN jsonb_build_object('ok', false, 'code', 'unknown_model', 'message', format('Unknown model %L.', p_model));
  END IF;
  INSERT INTO lots (account_id, source, model, priority, amount, remaining, unlimited, expires_at, grant_key, operation_id, note, created_at)
    VALUES (p_account, p_source, p_model, coalesce(p_priority, 0), CASE WHEN p_unlimited THEN 0 ELSE p_tokens END,
      CASE WHEN p_unlimited THEN 0 ELSE p_tokens END, p_unlimited, p_expires, p_grant_key, v_op, p_note, p_now)
    RETURNING id INTO v_lot;
  v_result := jsonb_build_object('ok', true, 'created', true, 'lot_id', v_lot, 'operation_id', v_op,
    'tokens', CASE WHEN p_unlimited THEN 0 ELSE p_tokens END);
  INSERT INTO operations (id, account_id, kind, status, model, cost, actor_user_id, actor_key_id, metadata, created_at,
      balance_after, request_hash, response)
    VALUES (v_op, p_account, 'grant', 'ok', p_model, CASE WHEN p_unlimited THEN 0 ELSE p_tokens END, p_actor_user, p_actor_key,
      jsonb_build_object('source', p_source, 'note', p_note, 'unlimited', p_unlimited, 'lot_id', v_lot),
      p_now, quota_lot_balance(p_account, p_model, p_now), p_hash, v_result);
  PERFORM pg_notify('quota_account', p_account::text);
  RETURN v_result;
END $$;
--> statement-breakpoint

-- check / consume / hold, as in 0005, with `remaining` from quota_remaining, refusal `details`, and an
-- allowance payer's id = its rule id (the same in /check and /consume).
CREATE OR REPLACE FUNCTION quota_spend(
  p_mode text, p_account uuid, p_actor_user uuid, p_actor_key uuid,
  p_feature text, p_units numeric, p_model text, p_hold_tokens bigint, p_hold_ttl_seconds int,
  p_scope text, p_key text, p_hash text, p_metadata jsonb, p_now timestamptz DEFAULT now(),
  p_notify boolean DEFAULT true
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
--> statement-breakpoint

-- Settle / release / expiry of a hold, as in 0001, answering `remaining` as consume does (allowance included).
CREATE OR REPLACE FUNCTION quota_close_hold(p_hold uuid, p_tokens bigint, p_status text, p_scope text, p_key text, p_now timestamptz)
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
  v_after := quota_remaining(h.account_id, h.feature, h.model, p_now);
  v_result := jsonb_build_object('ok', true, 'operation_id', v_op, 'hold_id', h.id, 'cost', p_tokens,
    'released', h.amount - p_tokens, 'remaining', v_after, 'status', p_status);
  UPDATE operations o SET response = v_result, balance_after = v_after,
      actor_user_id = src.actor_user_id, actor_key_id = src.actor_key_id, units = src.units
    FROM operations src WHERE o.id = v_op AND src.id = h.operation_id;
  PERFORM pg_notify('quota_account', h.account_id::text);
  RETURN v_result;
END $$;
