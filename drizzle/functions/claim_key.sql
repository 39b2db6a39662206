-- Idempotency keys of the ledger's writes.

-- Claims an idempotency key (scoped to its caller) for this transaction. NULL: go ahead.
-- Otherwise the answer to give: the first request's stored answer, or why the key cannot be used.
CREATE OR REPLACE FUNCTION quota_claim_key(p_scope text, p_key text, p_hash text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_existing record;
BEGIN
  IF p_key IS NULL THEN RETURN NULL; END IF;
  -- Held until commit: a second request with the key while the first runs is told so at once.
  IF NOT pg_try_advisory_xact_lock(hashtextextended(p_scope || chr(31) || p_key, 7243)) THEN
    RETURN jsonb_build_object('ok', false, 'code', 'idempotency_key_in_flight',
      'message', 'A request with this idempotency key is still being processed.');
  END IF;
  SELECT request_hash, response INTO v_existing FROM operations WHERE idem_scope = p_scope AND idem_key = p_key;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF v_existing.request_hash IS DISTINCT FROM p_hash THEN
    RETURN jsonb_build_object('ok', false, 'code', 'idempotency_key_reused',
      'message', 'This idempotency key was already used with a different request: send a new Idempotency-Key for a new request; the same key replays only the same request.');
  END IF;
  RETURN v_existing.response || '{"replayed": true}'::jsonb;
END $$;
