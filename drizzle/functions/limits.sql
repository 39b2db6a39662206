-- Spending limits (caps) and how a refusal by a limit states its figures.

-- What a refusal by a limit (a cap or a free allowance) states, for the message the app words from it
-- (src/lib/refusal-message.ts): cost, the limit, used and left of it this period, the period, when it
-- resets, the site's time zone, and whose limit it is (limit_of: account, team, member, allowance).
CREATE OR REPLACE FUNCTION quota_limit_details(p_limit_of text, p_cost bigint, p_limit bigint, p_used bigint, p_period text,
    p_resets_at timestamptz, p_tz text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('limit_of', p_limit_of, 'cost', p_cost, 'limit', p_limit, 'used', p_used,
    'left', greatest(p_limit - p_used, 0), 'period', p_period, 'resets_at', p_resets_at, 'time_zone', p_tz)
$$;

-- What a guest is told of a module no guest rule names (off for guests: they never had any of it, so
-- the module's limit message, "You've used today's…", would mislead): it needs an account. One sentence
-- for the spend's refusal (quota_spend_plan: /check, /consume, holds) and the balance's allowances
-- (ledger/queries.ts allowancesRead). IMMUTABLE SQL: inlined, no query on the spend path.
CREATE OR REPLACE FUNCTION quota_guest_off_message(p_module_name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT format('%s needs an account: sign in or sign up to use it.', p_module_name)
$$;

-- What an account is told of a module that is off for it (quota_module_off): not the module's limit
-- message, which says free tokens were used up (they never had any), but that it is not available to
-- them, and to whom: a guest needs an account (quota_guest_off_message, with or without a guest rule),
-- a role-based module's rules (a role's, "any other role") name the role; a team's the team.
-- One sentence for the spend's refusal (quota_spend_plan) and the balance's allowances (ledger/queries.ts).
-- The module's name first and a colon: it may be singular or plural ("Support answers: …"). IMMUTABLE SQL: inlined.
CREATE OR REPLACE FUNCTION quota_module_off_message(p_rule allowance_rules, p_module modules) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_rule.id IS NULL OR p_rule.audience = 'guest' THEN quota_guest_off_message(p_module.name)
    WHEN p_rule.audience IN ('role', 'user') AND p_module.limit_type = 'role' THEN format('%s: not available to your role.', p_module.name)
    WHEN p_rule.audience = 'team' THEN format('%s: not available to this team.', p_module.name)
    ELSE format('%s: not available to your account.', p_module.name)
  END
$$;

-- The spending limits that apply to an account: its own caps (whole account, or one member's use of a
-- team pool) and, for a team without a daily limit of its own, the site's default team daily limit;
-- for each member of a team (not its owner) without a daily cap of their own, the site's default
-- member daily limit. One definition for quota_spend and for what the Team page shows. plpgsql, so
-- its plans are cached (an SQL function that is not inlined is planned at every call, and quota_spend
-- asks on every consume), and the site's defaults are looked at for team accounts only.
CREATE OR REPLACE FUNCTION quota_account_caps(p_account uuid)
RETURNS TABLE (period text, limit_tokens bigint, member_user_id uuid, site_default boolean) LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY SELECT c.period, c.limit_tokens, c.member_user_id, false FROM caps c
   WHERE c.account_id = p_account AND c.limit_tokens IS NOT NULL AND c.limit_tokens >= 0;
  IF NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = p_account AND a.kind = 'team') THEN
    RETURN;
  END IF;
  RETURN QUERY
  SELECT 'daily'::text, s.default_team_daily_cap, NULL::uuid, true
    FROM site_settings s
   WHERE s.id = 1 AND s.default_team_daily_cap IS NOT NULL AND s.default_team_daily_cap >= 0
     AND NOT EXISTS (SELECT 1 FROM caps c WHERE c.account_id = p_account AND c.member_user_id IS NULL AND c.period = 'daily')
  UNION ALL
  SELECT 'daily'::text, s.default_member_daily_cap, m.user_id, true
    FROM site_settings s JOIN teams t ON t.account_id = p_account JOIN team_members m ON m.team_id = t.id AND m.role <> 'owner'
   WHERE s.id = 1 AND s.default_member_daily_cap IS NOT NULL AND s.default_member_daily_cap >= 0
     AND NOT EXISTS (SELECT 1 FROM caps c WHERE c.account_id = p_account AND c.member_user_id = m.user_id AND c.period = 'daily');
END $$;
