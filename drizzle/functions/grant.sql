-- A grant: one lot, at most once per grant key. The key's first request (its hash) and answer are kept
-- on the grant's operation: the same request replays that answer (created false), another is refused.
CREATE OR REPLACE FUNCTION quota_grant(p_account uuid, p_tokens bigint, p_source text, p_model text DEFAULT NULL,
    p_priority int DEFAULT 0, p_expires timestamptz DEFAULT NULL, p_unlimited boolean DEFAULT false,
    p_grant_key text DEFAULT NULL, p_note text DEFAULT NULL, p_actor_user uuid DEFAULT NULL, p_actor_key uuid DEFAULT NULL,
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
          'message', 'This idempotency key was already used with a different request: send a new Idempotency-Key for a new request; the same key replays only the same request.');
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
