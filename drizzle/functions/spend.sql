-- The token ledger's write paths are each ONE round trip (one function call) in READ COMMITTED:
-- claim the idempotency key, lock the account row, burn down, write entries, return the result.
-- Node never reads, decides and then writes. CHECK constraints and unique keys are the backstop.
-- quota_spend reads as its steps; each step below it is a helper (spend_*.sql).

-- An answer's `remaining` and `level` (if it has one) under a cap (quota_tightest_cap's figures, before p_cost): no more
-- than the cap leaves after p_cost, empty when that is nothing. One rule for a check, a consume, a hold
-- and a settle: what a spend says is left, the next check says is spendable.
CREATE OR REPLACE FUNCTION quota_capped(p_result jsonb, p_cap jsonb, p_cost bigint) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  v_left bigint := greatest((p_cap->>'left')::bigint - p_cost, 0);
BEGIN
  RETURN p_result || jsonb_build_object('remaining', least(coalesce((p_result->>'remaining')::bigint, v_left), v_left))
    || CASE WHEN p_result ? 'level' THEN jsonb_build_object('level', CASE WHEN v_left = 0 THEN 'empty' ELSE p_result->>'level' END)
            ELSE '{}'::jsonb END;
END $$;

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
  v_writes boolean := p_mode <> 'check';
  v_op uuid := gen_random_uuid();
  v_price record;
  v_kind text;
  v_plan record;
  v_burn record;
  v_answer record;
  v_hold uuid;
  v_result jsonb;
  v_cap jsonb;
BEGIN
  p_now := coalesce(p_now, now());
  SELECT * INTO s FROM site_settings WHERE id = 1;
  -- Each step is called as an expression (v := step(…)), not SELECT * FROM step(…): plpgsql evaluates
  -- such a call without starting an executor for it, which is a good part of a consume's CPU.

  -- 1. Claim the idempotency key before anything else.
  IF v_writes THEN
    v_result := quota_claim_key(p_scope, p_key, p_hash);
    IF v_result IS NOT NULL THEN RETURN v_result; END IF;
  END IF;

  -- 2. Price it (server-side, whole tokens, rounded up).
  v_price := quota_spend_price(p_mode => p_mode, p_feature => p_feature, p_units => p_units,
    p_model => p_model, p_hold_tokens => p_hold_tokens);
  IF v_price.refusal IS NOT NULL THEN RETURN v_price.refusal; END IF;

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

  -- 4. Work out who pays, or why nobody may (a refusal's code, message and figures).
  v_plan := quota_spend_plan(p_account => p_account, p_kind => v_kind, p_actor_user => p_actor_user,
    p_feature => v_price.feature, p_module => v_price.module, p_model => p_model, p_cost => v_price.cost,
    p_settings => s, p_now => p_now);

  -- 5. Burn down (consume / hold write as they go; a check only describes who would pay).
  IF v_plan.code IS NULL THEN
    v_burn := quota_spend_burn(p_mode => p_mode, p_writes => v_writes, p_op => v_op,
      p_account => p_account, p_cost => v_price.cost, p_model => p_model, p_now => p_now,
      p_spend_order => s.spend_order, p_module => (v_price.feature).module, p_rule => v_plan.rule,
      p_allowance_start => v_plan.allowance_start, p_allowance_end => v_plan.allowance_end,
      p_allowance_used => v_plan.allowance_used, p_allowance_left => v_plan.allowance_left);
  ELSE
    SELECT '[]'::jsonb AS paid_by, 0::bigint AS from_allowance INTO v_burn;
  END IF;

  -- 6. The answer: what is left, the green/yellow/red level, the allowance's window. A hold's own tokens
  -- are held, still the account's: its level counts them as the dashboard does after it.
  v_answer := quota_spend_result(p_writes => v_writes, p_account => p_account, p_feature => p_feature,
    p_model => p_model, p_module => (v_price.feature).module, p_now => p_now, p_settings => s, p_cost => v_price.cost,
    p_code => v_plan.code, p_message => v_plan.message, p_details => v_plan.details, p_active => v_plan.active,
    p_rule => v_plan.rule, p_allowance_end => v_plan.allowance_end, p_allowance_used => v_plan.allowance_used,
    p_allowance_left => v_plan.allowance_left, p_lots_allocated => v_plan.lots_allocated, p_lots_left => v_plan.lots_left,
    p_lots_unlimited => v_plan.lots_unlimited, p_lots_held => v_plan.lots_held + CASE WHEN p_mode = 'hold' THEN v_price.cost ELSE 0 END, p_paid_by => v_burn.paid_by, p_from_allowance => v_burn.from_allowance);
  v_result := v_answer.result;
  IF NOT v_writes THEN
    -- A check also states the tightest cap in force (`cap`), and what is spendable before the cost is no
    -- more than it leaves: a preview must not promise tokens a cap will refuse. The plan looked at the
    -- caps unless the feature is off, which a check still states the cap for.
    v_cap := CASE WHEN v_plan.code = 'feature_disabled' THEN quota_tightest_cap(p_account, v_kind, p_actor_user, v_price.cost, s, p_now)
                  ELSE v_plan.tightest_cap END;
    IF v_cap IS NOT NULL THEN
      v_result := quota_capped(v_result, v_cap, v_price.cost) || jsonb_build_object('cap', v_cap,
        'spendable', least(coalesce((v_result->>'spendable')::bigint, (v_cap->>'left')::bigint), (v_cap->>'left')::bigint));
    END IF;
    RETURN v_result;
  END IF;
  -- What a consume or hold says is left is what its check said, after it: no more than the tightest cap
  -- leaves (a member's own in a team pool). The operation's balance_after keeps `remaining` before the cap (what was
  -- spendable on the use's feature and model), not the statement's balance (docs/ARCHITECTURE.md).
  IF v_plan.code IS NULL AND v_plan.tightest_cap IS NOT NULL THEN
    v_result := quota_capped(v_result, v_plan.tightest_cap, v_price.cost);
  END IF;

  -- 7. Record it: the hold or the day's usage, and the operation with its answer.
  IF v_plan.code IS NULL THEN
    IF p_mode = 'hold' THEN
      v_hold := gen_random_uuid();
      INSERT INTO holds (id, account_id, operation_id, feature, model, amount, status, expires_at, created_at)
        VALUES (v_hold, p_account, v_op, p_feature, p_model, v_price.cost, 'open',
          p_now + make_interval(secs => p_hold_ttl_seconds), p_now);
    ELSE
      INSERT INTO usage_daily (account_id, day, feature, model, actor_user_id, tokens, operations)
        VALUES (p_account, (p_now AT TIME ZONE s.time_zone)::date, p_feature, coalesce(p_model, ''),
          coalesce(p_actor_user::text, ''), v_price.cost, 1)
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
    VALUES (v_op, p_account, p_mode, CASE WHEN v_plan.code IS NULL THEN 'ok' ELSE 'refused' END, v_plan.code, p_feature,
      p_model, p_units, v_price.cost, p_actor_user, p_actor_key, v_hold, p_scope, p_key, p_hash, v_result,
      CASE WHEN v_plan.code IS NULL THEN v_answer.remaining END, p_metadata, p_now);
  RETURN v_result;
END $$;
