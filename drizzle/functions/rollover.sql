-- Allowance rollover (issue 17.3): at the end of a period, what an account left unused of an allowance
-- rule's limit becomes a lot of source 'rollover' (so the spend order and the invariants cover it),
-- up to the rule's cap on what the account holds from that rule's rollovers, expiring after K periods
-- of the rule (or never). Periods are quota_window_start/_end's (site time zone and week start).
-- The schedule's `ledger.rollover` job calls quota_rollover; each (account, rule, period) is claimed
-- once in allowance_rollovers, so several processes and re-runs roll a period over once.

-- The rollover cap in tokens for a rule whose period limit is p_limit: its own tokens, or its share
-- (percent, rounded down) of the limit; NULL when the rule does not roll over.
CREATE OR REPLACE FUNCTION quota_rollover_cap(p_rule allowance_rules, p_limit bigint)
RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(p_rule.rollover_cap_tokens, (p_limit * p_rule.rollover_cap_percent) / 100)
$$;

-- When a lot rolled over from the period ending at p_end expires: at the end of the p_periods-th
-- period after it (K = 1: when the next period ends); NULL = never.
CREATE OR REPLACE FUNCTION quota_rollover_expiry(p_period text, p_end timestamptz, p_periods int, p_settings site_settings)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_end timestamptz := p_end;
BEGIN
  IF p_periods IS NULL THEN RETURN NULL; END IF;
  FOR i IN 1..p_periods LOOP
    v_end := quota_window_end(p_period, p_settings.time_zone, p_settings.week_start, v_end);
  END LOOP;
  RETURN v_end;
END $$;

-- Rolls one account over for one rule and period [p_start, p_end): claims (account, rule, period),
-- locks the account, and grants least(unused, cap - what it still holds from the rule's earlier
-- rollovers) as a rollover lot. Unused = the period's limit - its use (tokens held at the end count as
-- used). Returns the tokens rolled over and the lot (NULL when none), or NULL tokens when another run
-- had claimed it.
CREATE OR REPLACE FUNCTION quota_rollover_account(p_account uuid, p_rule allowance_rules, p_module_name text,
    p_start timestamptz, p_end timestamptz, p_settings site_settings, p_now timestamptz,
    OUT rolled bigint, OUT lot uuid)
LANGUAGE plpgsql AS $$
DECLARE
  v_limit bigint;
  v_used bigint;
  v_unused bigint;
  v_held bigint;
  v_tokens bigint;
  v_grant jsonb;
BEGIN
  INSERT INTO allowance_rollovers (account_id, rule_id, window_start, window_end, unused, tokens, created_at)
    VALUES (p_account, p_rule.id, p_start, p_end, 0, 0, p_now)
    ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN RETURN; END IF;
  PERFORM 1 FROM accounts WHERE id = p_account FOR UPDATE;
  -- The window(s) of the period: one, or more when the period's boundaries moved inside it, of every
  -- rule of the module with this period (what was used under a rule that applied earlier in the period
  -- counts, as quota_allowance_used counts it); the limit is this rule's.
  SELECT max(w.limit_tokens) FILTER (WHERE w.rule_id = p_rule.id), coalesce(sum(w.used), 0) INTO v_limit, v_used
    FROM allowance_windows w JOIN allowance_rules r ON r.id = w.rule_id
   WHERE w.account_id = p_account AND r.module = p_rule.module AND r.period = p_rule.period
     AND w.window_start >= p_start AND w.window_start < p_end;
  v_limit := coalesce(v_limit, p_rule.limit_tokens);
  v_unused := greatest(coalesce(v_limit, 0) - v_used, 0);
  SELECT coalesce(sum(l.remaining), 0) INTO v_held FROM allowance_rollovers r JOIN lots l ON l.id = r.lot_id
   WHERE r.account_id = p_account AND r.rule_id = p_rule.id AND (l.expires_at IS NULL OR l.expires_at > p_end);
  v_tokens := greatest(least(v_unused, quota_rollover_cap(p_rule, v_limit) - v_held), 0);
  IF v_tokens > 0 THEN
    v_grant := quota_grant(p_account => p_account, p_tokens => v_tokens, p_source => 'rollover',
      p_expires => quota_rollover_expiry(p_rule.period, p_end, p_rule.rollover_periods, p_settings),
      p_grant_key => format('rollover:%s:%s:%s', p_account, p_rule.id, extract(epoch FROM p_start)::bigint),
      p_note => p_module_name, p_now => p_now);
  END IF;
  rolled := v_tokens;
  lot := (v_grant ->> 'lot_id')::uuid;
  UPDATE allowance_rollovers r SET unused = v_unused, tokens = v_tokens, lot_id = lot
   WHERE r.account_id = p_account AND r.rule_id = p_rule.id AND r.window_start = p_start;
END $$;

-- The next period of a rollover rule that has ended by p_now and is not done yet: the first period
-- starting at or after the end of the last one done, else the period that held rollover_since (it
-- was switched on during it). NULL start when none is due.
CREATE OR REPLACE FUNCTION quota_rollover_due(p_rule allowance_rules, p_settings site_settings, p_now timestamptz,
    OUT window_start timestamptz, OUT window_end timestamptz)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_after timestamptz;
  v_start timestamptz;
BEGIN
  SELECT max(r.window_end) INTO v_after FROM allowance_rollover_runs r WHERE r.rule_id = p_rule.id;
  IF v_after IS NULL THEN
    v_start := quota_window_start(p_rule.period, p_settings.time_zone, p_settings.week_start, p_rule.rollover_since);
  ELSE
    v_start := quota_window_start(p_rule.period, p_settings.time_zone, p_settings.week_start, v_after);
    IF v_start < v_after THEN
      v_start := quota_window_end(p_rule.period, p_settings.time_zone, p_settings.week_start, v_after);
    END IF;
  END IF;
  window_end := quota_window_end(p_rule.period, p_settings.time_zone, p_settings.week_start, v_start);
  IF window_end <= p_now THEN
    window_start := v_start;
  ELSE
    window_end := NULL;
  END IF;
END $$;

-- Rolls over up to p_limit accounts of ended periods, oldest period first per rule. The accounts of a
-- period: those the rule applies to now that used tokens on one of its site-local days (a dormant account keeps what it rolled over before but collects no more). A period
-- is marked done (allowance_rollover_runs) once none of its accounts is left; busy accounts (locked by
-- a spend) are skipped and taken next time. Returns {accounts, tokens, periods_done, lots, more}: the
-- lots made (ids), more = true when work was left for the next call.
CREATE OR REPLACE FUNCTION quota_rollover(p_limit int DEFAULT 500, p_now timestamptz DEFAULT now())
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  s site_settings;
  v_rule allowance_rules;
  v_module_name text;
  v_due record;
  v_account uuid;
  v_one record;
  v_lots uuid[] := '{}';
  v_left int := p_limit;
  v_accounts int := 0;
  v_total bigint := 0;
  v_done int := 0;
  v_pending boolean;
  v_more boolean := false;
BEGIN
  SELECT * INTO s FROM site_settings WHERE id = 1;
  FOR v_rule IN SELECT * FROM allowance_rules r
      WHERE r.rollover_since IS NOT NULL AND r.period <> 'never' AND r.limit_tokens > 0 ORDER BY r.id LOOP
    SELECT m.name INTO v_module_name FROM modules m WHERE m.key = v_rule.module;
    LOOP
      EXIT WHEN v_left <= 0;
      SELECT * INTO v_due FROM quota_rollover_due(v_rule, s, p_now);
      EXIT WHEN v_due.window_start IS NULL;
      v_pending := false;
      FOR v_account IN
        SELECT a.id FROM accounts a
         WHERE a.id IN (SELECT d.account_id FROM usage_daily d
                 WHERE d.day >= (v_due.window_start AT TIME ZONE s.time_zone)::date
                   AND d.day < (v_due.window_end AT TIME ZONE s.time_zone)::date)
           AND NOT EXISTS (SELECT 1 FROM allowance_rollovers r WHERE r.account_id = a.id AND r.rule_id = v_rule.id
                 AND r.window_start = v_due.window_start)
           AND (quota_allowance_rule(a.id, v_rule.module)).id = v_rule.id
         ORDER BY a.id LIMIT v_left + 1
      LOOP
        IF v_left <= 0 THEN v_pending := true; EXIT; END IF;
        v_left := v_left - 1;
        -- A busy account waits for the next call rather than holding up every other one.
        PERFORM 1 FROM accounts WHERE id = v_account FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN v_pending := true; CONTINUE; END IF;
        SELECT * INTO v_one FROM quota_rollover_account(v_account, v_rule, v_module_name, v_due.window_start, v_due.window_end, s, p_now);
        IF v_one.rolled IS NOT NULL THEN
          v_accounts := v_accounts + 1;
          v_total := v_total + v_one.rolled;
          IF v_one.lot IS NOT NULL THEN v_lots := v_lots || v_one.lot; END IF;
        END IF;
      END LOOP;
      v_more := v_more OR v_pending;
      EXIT WHEN v_pending;
      INSERT INTO allowance_rollover_runs (rule_id, window_start, window_end, accounts, tokens, done_at)
        SELECT v_rule.id, v_due.window_start, v_due.window_end, count(*), coalesce(sum(r.tokens), 0), p_now
          FROM allowance_rollovers r WHERE r.rule_id = v_rule.id AND r.window_start = v_due.window_start
        ON CONFLICT DO NOTHING;
      v_done := v_done + 1;
    END LOOP;
  END LOOP;
  RETURN jsonb_build_object('accounts', v_accounts, 'tokens', v_total, 'periods_done', v_done, 'lots', to_jsonb(v_lots),
    'more', v_more OR v_left <= 0);
END $$;
