-- quota_spend's step 5, the burn-down: pays p_cost from the allowance window and the lots in the site's
-- spend order: allowance first (what resets is lost anyway), or lots first (balance-first); lots
-- unlimited first (unlimited use takes none of the account's tokens, however old they are), then
-- model-scoped before general, by priority, soonest expiry, oldest. consume and hold (p_writes) write
-- the window's use, the lots' remaining and an entry per payer as they go; a check only describes who
-- would pay. Returns who paid, in the order they paid, and how much came from the allowance.
CREATE OR REPLACE FUNCTION quota_spend_burn(p_mode text, p_writes boolean, p_op uuid, p_account uuid, p_cost bigint,
    p_model text, p_now timestamptz, p_spend_order text, p_module text, p_rule allowance_rules,
    p_allowance_start timestamptz, p_allowance_end timestamptz, p_allowance_used bigint, p_allowance_left bigint,
    OUT paid_by jsonb, OUT from_allowance bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_need bigint := p_cost;
  v_phase text;
  v_window_id bigint;
  v_lot record;
  v_take bigint;
  v_paid_lots jsonb := '[]'::jsonb;
  v_paid_allowance jsonb := '[]'::jsonb;
BEGIN
  from_allowance := 0;
  FOREACH v_phase IN ARRAY CASE WHEN p_spend_order = 'balance-first' THEN ARRAY['lots', 'allowance'] ELSE ARRAY['allowance', 'lots'] END LOOP
    EXIT WHEN v_need = 0;
    IF v_phase = 'allowance' AND p_rule.id IS NOT NULL THEN
      from_allowance := CASE WHEN p_allowance_left IS NULL THEN v_need ELSE least(v_need, p_allowance_left) END;
      v_need := v_need - from_allowance;
      CONTINUE WHEN from_allowance = 0;
      IF p_writes THEN
        INSERT INTO allowance_windows AS w (account_id, rule_id, window_start, window_end, limit_tokens, used)
          VALUES (p_account, p_rule.id, p_allowance_start, p_allowance_end, p_rule.limit_tokens, from_allowance)
          ON CONFLICT (account_id, rule_id, window_start)
          DO UPDATE SET used = w.used + excluded.used, limit_tokens = excluded.limit_tokens
          RETURNING w.id INTO v_window_id;
        INSERT INTO entries (operation_id, account_id, window_id, kind, amount, balance_after, created_at)
          VALUES (p_op, p_account, v_window_id, p_mode, -from_allowance,
            p_rule.limit_tokens - p_allowance_used - from_allowance, p_now);
      END IF;
      v_paid_allowance := jsonb_build_array(jsonb_build_object('type', 'allowance',
        'id', p_rule.id, 'label', p_module, 'model', NULL,
        'tokens', from_allowance, 'unlimited', p_rule.limit_tokens IS NULL));
    ELSIF v_phase = 'lots' THEN
      FOR v_lot IN SELECT l.id, l.remaining, l.unlimited, l.model, l.source FROM lots l
          WHERE l.account_id = p_account AND (l.model IS NULL OR l.model = p_model)
            AND (l.expires_at IS NULL OR l.expires_at > p_now) AND (l.remaining > 0 OR l.unlimited)
          ORDER BY l.unlimited DESC, (l.model IS NULL), l.priority DESC, l.expires_at ASC NULLS LAST, l.created_at, l.id LOOP
        v_take := CASE WHEN v_lot.unlimited THEN v_need ELSE least(v_need, v_lot.remaining) END;
        IF p_writes THEN
          IF NOT v_lot.unlimited THEN
            UPDATE lots l SET remaining = l.remaining - v_take WHERE l.id = v_lot.id;
          END IF;
          INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
            VALUES (p_op, p_account, v_lot.id, p_mode, -v_take,
              CASE WHEN v_lot.unlimited THEN NULL ELSE v_lot.remaining - v_take END, p_now);
        END IF;
        v_paid_lots := v_paid_lots || jsonb_build_object('type', 'lot', 'id', v_lot.id, 'label', v_lot.source,
          'model', v_lot.model, 'tokens', v_take, 'unlimited', v_lot.unlimited);
        v_need := v_need - v_take;
        EXIT WHEN v_need = 0;
      END LOOP;
    END IF;
  END LOOP;
  paid_by := CASE WHEN p_spend_order = 'balance-first' THEN v_paid_lots || v_paid_allowance ELSE v_paid_allowance || v_paid_lots END;
END $$;
