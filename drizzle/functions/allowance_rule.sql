-- The allowance rule that applies to an account for a module: member > role > all users; team; guest.
-- An ended rule (the Limits page's None, 0048) still outranks the broader ones but gives nothing: the
-- account then has no rule (all NULL) and pays from its balance, as with no rule at all. An ended
-- member rule is the exception: ending one member's own allowance gives them their role's again.

CREATE OR REPLACE FUNCTION quota_allowance_rule(p_account uuid, p_module text)
RETURNS allowance_rules LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_rule allowance_rules;
BEGIN
  -- Most modules of a site have no free allowance: one index probe says so before the join below.
  IF NOT EXISTS (SELECT 1 FROM allowance_rules r WHERE r.module = p_module) THEN
    RETURN v_rule;
  END IF;
  SELECT r.* INTO v_rule FROM accounts a
  LEFT JOIN users u ON u.account_id = a.id
  LEFT JOIN teams t ON t.account_id = a.id
  JOIN allowance_rules r ON r.module = p_module AND (
       (a.kind = 'guest' AND r.audience = 'guest')
    OR (a.kind = 'user' AND r.audience = 'member' AND r.user_id = u.id AND r.ended_at IS NULL)
    OR (a.kind = 'user' AND r.audience = 'role' AND r.role = u.site_role)
    OR (a.kind = 'user' AND r.audience = 'user')
    OR (a.kind = 'team' AND r.audience = 'team' AND r.team_id = t.id))
  WHERE a.id = p_account
  ORDER BY CASE r.audience WHEN 'member' THEN 0 WHEN 'role' THEN 1 ELSE 2 END
  LIMIT 1;
  IF v_rule.ended_at IS NOT NULL THEN
    RETURN NULL::allowance_rules;
  END IF;
  RETURN v_rule;
END $$;

-- Whether a module is off for an account, from the rule that applies to it (quota_allowance_rule, no
-- rule: all NULL) and its kind: the rule gives 0, or it is a guest that no rule names (a guest's
-- allowance is the module's guest limit; without one a guest gets nothing). One definition for the
-- refusal (quota_spend_plan) and for remaining 0 (quota_remaining). IMMUTABLE SQL: inlined.
CREATE OR REPLACE FUNCTION quota_module_off(p_rule allowance_rules, p_kind text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(p_rule.limit_tokens = 0, false) OR (p_rule.id IS NULL AND p_kind = 'guest')
$$;

-- What an account used of a module's free allowance in the window that starts at p_start, whichever
-- rule it was used under: each rule keeps its own window, and every window of the module's rules
-- with p_rule's period and that start counts. So a change of which rule applies mid-window (a role
-- change, a new role, team or member rule) keeps what was used, and only a new window starts from 0.
-- 0 when nothing was used. PL/pgSQL: a SQL function with a FROM is never inlined, and PostgreSQL then
-- plans its body on every call (every consume of a module with a free allowance); PL/pgSQL keeps the plan.
CREATE OR REPLACE FUNCTION quota_allowance_used(p_account uuid, p_rule allowance_rules, p_start timestamptz)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT coalesce(sum(w.used), 0)::bigint FROM allowance_windows w JOIN allowance_rules r ON r.id = w.rule_id
   WHERE w.account_id = p_account AND w.window_start = p_start AND r.module = p_rule.module AND r.period = p_rule.period);
END $$;
