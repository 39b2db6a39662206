-- A changed OUT list cannot be CREATE OR REPLACEd: the plan before lots_held goes first.
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'quota_spend_plan' AND NOT ('lots_held' = ANY (proargnames))) THEN
    DROP FUNCTION quota_spend_plan(uuid, text, uuid, features, modules, text, bigint, site_settings, timestamptz);
  END IF;
END $$;

-- What the lots a spend of p_model may use hold, for the plan and the level: lots_left (their remaining
-- tokens), lots_unlimited, and the share's figures as ledger/share.ts measures the dashboard's and the
-- alerts' share: lots_allocated, what the countable lots with tokens in them were granted, with those a
-- running hold emptied (a spent lot leaves the allocation; a held one stays until its hold closes), and
-- lots_held, the tokens running holds took from these lots and from the free allowance's window
-- (p_window_start of p_rule's module and period; none without a rule), still the account's. One statement:
-- the open holds come by holds_open_idx, their entries by entries_operation_idx.
CREATE OR REPLACE FUNCTION quota_lots_share(p_account uuid, p_model text, p_now timestamptz, p_rule allowance_rules,
    p_window_start timestamptz, OUT lots_left bigint, OUT lots_allocated bigint, OUT lots_held bigint, OUT lots_unlimited boolean)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  -- PL/pgSQL, not SQL: a SQL function that reads tables is planned again on every call (hot-path-plans).
  WITH on_hold AS (
    SELECT e.lot_id, e.window_id, -e.amount AS tokens
      FROM holds h JOIN entries e ON e.operation_id = h.operation_id
     WHERE h.account_id = p_account AND h.status = 'open'),
  usable AS (
    SELECT l.remaining, l.amount, l.unlimited, (SELECT sum(on_hold.tokens) FROM on_hold WHERE on_hold.lot_id = l.id) AS held
      FROM lots l WHERE l.account_id = p_account AND (l.model IS NULL OR l.model = p_model)
       AND (l.expires_at IS NULL OR l.expires_at > p_now))
  SELECT coalesce(sum(u.remaining) FILTER (WHERE NOT u.unlimited), 0),
         coalesce(sum(u.amount) FILTER (WHERE NOT u.unlimited AND (u.remaining > 0 OR u.held > 0)), 0),
         coalesce(sum(u.held) FILTER (WHERE NOT u.unlimited), 0)
           + coalesce((SELECT sum(on_hold.tokens) FROM on_hold JOIN allowance_windows w ON w.id = on_hold.window_id
                         JOIN allowance_rules r ON r.id = w.rule_id
                        WHERE w.window_start = p_window_start AND r.module = (p_rule).module AND r.period = (p_rule).period), 0),
         coalesce(bool_or(u.unlimited), false)
    INTO lots_left, lots_allocated, lots_held, lots_unlimited
    FROM usable u;
END $$;

-- quota_spend's step 4, the plan: who would pay p_cost, or why nobody may (code, message, details, and
-- active: false when the feature is off for this account, or nothing is left and its module then shows
-- as inactive). Refusals in order: the feature is disabled (for everyone, by a zero allowance, or for a
-- guest by no guest rule), a cap is reached, not enough tokens (the allowance is
-- exhausted when no lot could help). Also what the plan rests on: the allowance rule that applies and its
-- current window (start, end, used, left: NULL = unlimited; no rule: used 0, the rest NULL) and the
-- usable lots' figures (quota_lots_share: what they hold, lots_left and lots_unlimited; for the level,
-- their allocation and the tokens running holds took, lots_held),
-- and the tightest cap in force (quota_tightest_cap with p_cost; NULL when none is, or when a refusal
-- came before caps were looked at): what a spend's answer says is left is no more than it leaves.
-- Decided from totals, so the burn-down can write as it goes.
CREATE OR REPLACE FUNCTION quota_spend_plan(p_account uuid, p_kind text, p_actor_user uuid, p_feature features,
    p_module modules, p_model text, p_cost bigint, p_settings site_settings, p_now timestamptz,
    OUT code text, OUT message text, OUT details jsonb, OUT active boolean, OUT rule allowance_rules,
    OUT allowance_start timestamptz, OUT allowance_end timestamptz, OUT allowance_used bigint,
    OUT allowance_left bigint, OUT lots_allocated bigint, OUT lots_left bigint, OUT lots_unlimited boolean,
    OUT lots_held bigint, OUT tightest_cap jsonb)
LANGUAGE plpgsql AS $$
DECLARE
  s site_settings := p_settings;
  v_lots record;
BEGIN
  active := true;
  allowance_used := 0;
  IF NOT p_feature.enabled THEN
    code := 'feature_disabled';
    message := format('%s is disabled.', p_feature.name);
    active := false;
  END IF;

  rule := quota_allowance_rule(p_account, p_feature.module);
  -- A module off for this account (quota_module_off; the Limits page's "not available", the balance's
  -- limit 0) is hidden: active false. Its words say it is not available to them (quota_module_off_message),
  -- never the limit message, which says free tokens were used up: they never had any.
  IF code IS NULL AND quota_module_off(rule, p_kind) THEN
    code := 'feature_disabled';
    message := quota_module_off_message(rule, p_module);
    active := false;
  END IF;
  IF code IS NULL AND rule.id IS NOT NULL THEN
    allowance_start := quota_window_start(rule.period, s.time_zone, s.week_start, p_now);
    allowance_end := quota_window_end(rule.period, s.time_zone, s.week_start, p_now);
    allowance_used := quota_allowance_used(p_account, rule, allowance_start);
    allowance_left := CASE WHEN rule.limit_tokens IS NULL THEN NULL
                           ELSE greatest(rule.limit_tokens - allowance_used, 0) END;
  END IF;

  -- The cap a refusal names is the tightest when the cost crosses it (whichever cap a cost crosses, it
  -- crosses the tightest too), so it names the cap the dashboard's cap line shows. The first one found
  -- once named the team's cap for a member whose own daily cap left far less.
  IF code IS NULL THEN
    tightest_cap := quota_tightest_cap(p_account, p_kind, p_actor_user, p_cost, s, p_now);
    IF (tightest_cap->>'used')::bigint + p_cost > (tightest_cap->>'limit')::bigint THEN
      code := 'cap_reached';
      details := tightest_cap;
    END IF;
  END IF;

  -- What the lots usable here hold: for the plan, the remaining figure and the level.
  -- Called as an expression (quota_spend's note): the one statement is quota_lots_share's.
  v_lots := quota_lots_share(p_account, p_model, p_now, rule, allowance_start);
  lots_left := v_lots.lots_left;
  lots_allocated := v_lots.lots_allocated;
  lots_held := v_lots.lots_held;
  lots_unlimited := v_lots.lots_unlimited;

  -- Enough to pay? Decided from the totals, so the burn-down can write as it goes. When nobody can
  -- and no balance is left (lots_left = 0: the free tokens ran out, or there are none), the module's
  -- "when the free tokens run out" decides whether it still shows (active), with or without a rule.
  IF code IS NULL AND NOT (lots_unlimited OR (rule.id IS NOT NULL AND allowance_left IS NULL)
      OR CASE WHEN rule.id IS NULL THEN 0 ELSE allowance_left END + lots_left >= p_cost) THEN
    active := lots_left > 0 OR p_module.on_exhausted <> 'inactive';
    IF rule.id IS NOT NULL AND lots_left = 0 THEN
      code := 'allowance_exhausted';
      -- The module's own words ("You have used your free chat tokens…") only when nothing is left: a
      -- cost past what is left of an untouched allowance ("used": 0) was told it was used up, in the
      -- module_message the docs tell sites to show. The message then is the figures' (refusal-message.ts).
      details := quota_limit_details('allowance', p_cost, rule.limit_tokens, allowance_used, rule.period, allowance_end, s.time_zone)
        || jsonb_build_object('module', p_module.key, 'module_name', p_module.name)
        || CASE WHEN allowance_left = 0 THEN jsonb_build_object('module_message', p_module.limit_message) ELSE '{}'::jsonb END;
      message := CASE WHEN allowance_left = 0 THEN p_module.limit_message END;
    ELSE
      code := 'insufficient_tokens';
      -- With nothing at all left to pay with (no free allowance, no tokens this model may use), the
      -- module's words are the site's for this moment too ("Your bot is paused until more tokens are
      -- added."): the Limits page's "when the free tokens run out (and no balance is left)".
      details := jsonb_build_object('cost', p_cost, 'available', coalesce(allowance_left, 0) + lots_left)
        || CASE WHEN rule.id IS NULL AND lots_left = 0
                THEN jsonb_build_object('module', p_module.key, 'module_name', p_module.name, 'module_message', p_module.limit_message) ELSE '{}'::jsonb END;
      message := NULL;
    END IF;
  END IF;
END $$;

-- Caps: per-period spending limits that hold even with tokens available (open holds count too). Each
-- cap in force on p_actor_user's use of the account (whose: the account's kind, or member) with its
-- limit, its use this period and when that period ends. One definition for a spend's refusal
-- (quota_spend_plan) and for what a spend says is left (quota_spend).
CREATE OR REPLACE FUNCTION quota_caps_use(p_account uuid, p_kind text, p_actor_user uuid, p_settings site_settings,
    p_now timestamptz)
RETURNS TABLE (limit_of text, period text, limit_tokens bigint, used bigint, resets_at timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  s site_settings := p_settings;
  v_cap record;
BEGIN
  -- Only a team's limits include the site's defaults (quota_account_caps): an account of another kind
  -- with no caps of its own has none, which one index probe tells on every consume.
  IF p_kind <> 'team' AND NOT EXISTS (SELECT 1 FROM caps c WHERE c.account_id = p_account) THEN
    RETURN;
  END IF;
  FOR v_cap IN
    SELECT c.period, c.limit_tokens, c.member_user_id FROM quota_account_caps(p_account) c
     WHERE c.member_user_id IS NULL OR c.member_user_id = p_actor_user
  LOOP
    limit_of := CASE WHEN v_cap.member_user_id IS NOT NULL THEN 'member' ELSE p_kind END;
    period := v_cap.period;
    limit_tokens := v_cap.limit_tokens;
    SELECT coalesce(sum(d.tokens), 0) INTO used FROM usage_daily d
     WHERE d.account_id = p_account
       AND d.day >= (quota_window_start(v_cap.period, s.time_zone, s.week_start, p_now) AT TIME ZONE s.time_zone)::date
       AND (v_cap.member_user_id IS NULL OR d.actor_user_id = v_cap.member_user_id::text);
    used := used + coalesce((SELECT sum(h.amount) FROM holds h WHERE h.account_id = p_account AND h.status = 'open'), 0);
    resets_at := quota_window_end(v_cap.period, s.time_zone, s.week_start, p_now);
    RETURN NEXT;
  END LOOP;
END $$;

-- The cap in force that binds (quota_limit_details with p_cost), or NULL when none is. Of the caps p_cost
-- crosses (with no cost: the used-up ones), the one that holds longest, the latest reset: a weekly cap
-- used up further than the monthly one still lets its user spend only when the month's resets. Of none
-- crossed, the one that leaves the least; of two that leave as little, the member's, then the longer
-- window's. The dashboard, playground and Team page read it too (ledger/rates.ts tightestCapRead).
-- PL/pgSQL, not SQL: PostgreSQL plans a SQL function's body on every call when it cannot inline it
-- (this one it cannot), about 120 µs of each check; PL/pgSQL keeps the plan for the connection.
CREATE OR REPLACE FUNCTION quota_tightest_cap(p_account uuid, p_kind text, p_actor_user uuid, p_cost bigint,
    p_settings site_settings, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT quota_limit_details(c.limit_of, p_cost, c.limit_tokens, c.used, c.period, c.resets_at, p_settings.time_zone)
    FROM quota_caps_use(p_account, p_kind, p_actor_user, p_settings, p_now) c
   ORDER BY c.used + greatest(p_cost, 1) > c.limit_tokens DESC,
            CASE WHEN c.used + greatest(p_cost, 1) > c.limit_tokens THEN c.resets_at END DESC NULLS FIRST,
            c.limit_tokens - c.used, c.limit_of = 'member' DESC, c.resets_at DESC LIMIT 1);
END $$;

-- Replaced by the plan's tightest_cap (quota_spend_plan).
DROP FUNCTION IF EXISTS quota_cap_reached(uuid, text, uuid, bigint, site_settings, timestamptz);
