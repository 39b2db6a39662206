-- The answers before they took the plan's lots_left, lots_unlimited and allowance_left, then lots_held (other argument lists).
DROP FUNCTION IF EXISTS quota_spend_result(boolean, uuid, text, text, text, timestamptz, site_settings, bigint, text, text,
  jsonb, boolean, allowance_rules, timestamptz, bigint, bigint, jsonb, bigint);
DROP FUNCTION IF EXISTS quota_spend_result(boolean, uuid, text, text, text, timestamptz, site_settings, bigint, text, text,
  jsonb, boolean, allowance_rules, timestamptz, bigint, bigint, bigint, bigint, boolean, jsonb, bigint);

-- A spend's level, one rule for quota_spend's answer and quota_spend_plain's: empty when it leaves nothing
-- spendable (p_remaining, after the cost), low when what is left of the allocation, the tokens running holds
-- took included (p_held), is below the site's low share of it, else ok (p_remaining NULL: unlimited). The
-- share is the dashboard's and the alerts' (ledger/share.ts; quota_lots_share gives its figures).
CREATE OR REPLACE FUNCTION quota_level(p_remaining bigint, p_held bigint, p_allocation bigint, p_low_share_percent int)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_remaining IS NULL THEN 'ok'
              WHEN p_remaining <= 0 THEN 'empty'
              WHEN p_allocation > 0 AND (p_remaining + p_held) * 100 < p_allocation * p_low_share_percent THEN 'low'
              ELSE 'ok' END
$$;

-- quota_spend's step 6, the answer: the plan's outcome, the cost, who paid, what is left to spend
-- (`remaining`, one definition: quota_remaining; stated after the cost, for a check too; a check also
-- states `spendable`, the same before the cost), the level
-- (quota_level; refused: empty) and the allowance's window (its use after a
-- write, before it for a check). remaining is also the operation's balance_after.
CREATE OR REPLACE FUNCTION quota_spend_result(p_writes boolean, p_account uuid, p_feature text, p_model text,
    p_module text, p_now timestamptz, p_settings site_settings, p_cost bigint, p_code text, p_message text,
    p_details jsonb, p_active boolean, p_rule allowance_rules, p_allowance_end timestamptz, p_allowance_used bigint,
    p_allowance_left bigint, p_lots_allocated bigint, p_lots_left bigint, p_lots_unlimited boolean, p_lots_held bigint, p_paid_by jsonb,
    p_from_allowance bigint, OUT result jsonb, OUT remaining bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_allocation bigint := p_lots_allocated + CASE WHEN p_rule.id IS NULL THEN 0 ELSE coalesce(p_rule.limit_tokens, 0) END;
  v_level text;
  v_spendable bigint;
BEGIN
  -- An accepted spend: the plan summed what quota_remaining sums (the same lots, rule and window, read
  -- under the account's lock), so what is left is that less the cost, without reading it all again.
  -- A refusal may have stopped the plan before the allowance's window: it asks quota_remaining. Nothing
  -- is spendable on a feature that is off for the account, whatever its lots hold.
  -- `spendable`, what was spendable before it, is a check's (the playground's "Available" for the
  -- feature); what is left counts down from it.
  v_spendable := CASE WHEN p_code = 'feature_disabled' THEN 0
                      WHEN p_code IS NOT NULL THEN quota_remaining(p_account, p_feature, p_model, p_now)
                      WHEN p_lots_unlimited OR (p_rule.id IS NOT NULL AND p_rule.limit_tokens IS NULL) THEN NULL
                      ELSE p_lots_left + coalesce(p_allowance_left, 0) END;
  remaining := CASE WHEN p_code IS NULL THEN v_spendable - p_cost ELSE v_spendable END;
  v_level := CASE WHEN remaining IS NOT NULL AND p_code IS NOT NULL THEN 'empty'
                  ELSE quota_level(remaining, p_lots_held, v_allocation, p_settings.low_share_percent) END;
  result := jsonb_build_object(
    'ok', p_code IS NULL, 'code', p_code, 'message', p_message, 'details', p_details, 'cost', p_cost,
    'paid_by', p_paid_by, 'remaining', remaining, 'level', v_level, 'active', p_active,
    'allowance', CASE WHEN p_rule.id IS NULL THEN NULL ELSE jsonb_build_object(
      'module', p_module, 'used', CASE WHEN p_writes THEN p_allowance_used + p_from_allowance ELSE p_allowance_used END,
      'limit', p_rule.limit_tokens, 'period', p_rule.period, 'resets_at', p_allowance_end) END);
  IF NOT p_writes THEN
    result := result || jsonb_build_object('spendable', v_spendable);
  END IF;
END $$;
