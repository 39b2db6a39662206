-- What an account can spend: its usable lots, and `remaining` (allowance left plus lots).

-- Spendable tokens for a model now: lots not expired (general + that model). NULL = unlimited.
CREATE OR REPLACE FUNCTION quota_lot_balance(p_account uuid, p_model text, p_now timestamptz)
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

-- What is left to spend on a feature (and model) now: what its module's free allowance has left in
-- the current window plus the usable lots (general and that model's; open holds already deducted).
-- NULL = unlimited. 0 when the feature is off for the account (disabled, or its module is off for it:
-- quota_module_off), as quota_spend_plan refuses it: whatever the lots hold, nothing is spendable there. The one definition of `remaining` for check, consume, hold,
-- settle, release and history.
CREATE OR REPLACE FUNCTION quota_remaining(p_account uuid, p_feature text, p_model text, p_now timestamptz)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
  s site_settings;
  f features;
  v_rule allowance_rules;
  v_lots bigint;
  v_used bigint;
BEGIN
  SELECT * INTO f FROM features WHERE key = p_feature;
  IF NOT coalesce(f.enabled, false) THEN RETURN 0; END IF;
  v_rule := quota_allowance_rule(p_account, f.module);
  -- The account's kind matters only where no rule applies.
  IF quota_module_off(v_rule, CASE WHEN v_rule.id IS NULL THEN (SELECT kind FROM accounts WHERE id = p_account) END) THEN
    RETURN 0;
  END IF;
  v_lots := quota_lot_balance(p_account, p_model, p_now);
  IF v_lots IS NULL THEN RETURN NULL; END IF;
  IF v_rule.id IS NULL THEN RETURN v_lots; END IF;
  IF v_rule.limit_tokens IS NULL THEN RETURN NULL; END IF;
  SELECT * INTO s FROM site_settings WHERE id = 1;
  v_used := quota_allowance_used(p_account, v_rule, quota_window_start(v_rule.period, s.time_zone, s.week_start, p_now));
  RETURN greatest(v_rule.limit_tokens - v_used, 0) + v_lots;
END $$;
