-- Expiry: what expired lots lost and expired holds' tokens, recorded per account (on its next write,
-- by the sweep, or when a subscription period ends its lots).

-- Records what expired lots lost, and returns expired holds' tokens. Caller holds the account lock.
-- An unlimited lot that reached its end date is recorded as an explicit end is (quota_end_lot):
-- an 'expire' operation of 0 tokens with one 0-token entry on the lot, dated at that end, with no
-- actor (metadata at_end_date: its date ended it, no one did); then announced as any lot's expiry.
CREATE OR REPLACE FUNCTION quota_housekeep(p_account uuid, p_now timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_lot record;
  v_hold record;
  v_op uuid;
BEGIN
  -- On most writes nothing is due: one statement says so before the two loops open their queries.
  IF NOT EXISTS (SELECT 1 FROM holds WHERE account_id = p_account AND status = 'open' AND expires_at <= p_now)
     AND NOT EXISTS (SELECT 1 FROM lots WHERE account_id = p_account AND expires_at <= p_now AND expired_at IS NULL) THEN
    RETURN;
  END IF;
  FOR v_hold IN SELECT id FROM holds WHERE account_id = p_account AND status = 'open' AND expires_at <= p_now LOOP
    PERFORM quota_close_hold(p_hold => v_hold.id, p_tokens => 0, p_status => 'expired', p_now => p_now);
  END LOOP;
  FOR v_lot IN SELECT id, remaining, model, unlimited, expires_at FROM lots
      WHERE account_id = p_account AND expires_at <= p_now AND expired_at IS NULL ORDER BY expires_at, id LOOP
    v_op := gen_random_uuid();
    IF v_lot.unlimited THEN
      INSERT INTO operations (id, account_id, kind, status, model, cost, metadata, created_at)
        VALUES (v_op, p_account, 'expire', 'ok', v_lot.model, 0,
          jsonb_build_object('lot_id', v_lot.id, 'unlimited', true, 'ended', true, 'at_end_date', true), v_lot.expires_at);
      INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
        VALUES (v_op, p_account, v_lot.id, 'expire', 0, NULL, v_lot.expires_at);
      UPDATE lots SET expired_at = v_lot.expires_at WHERE id = v_lot.id;
      CONTINUE;
    END IF;
    INSERT INTO operations (id, account_id, kind, status, model, cost, created_at)
      VALUES (v_op, p_account, 'expire', 'ok', v_lot.model, v_lot.remaining, p_now);
    IF v_lot.remaining > 0 THEN
      INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
        VALUES (v_op, p_account, v_lot.id, 'expire', -v_lot.remaining, 0, p_now);
    END IF;
    UPDATE lots SET remaining = 0, expired_at = p_now WHERE id = v_lot.id;
  END LOOP;
END $$;

-- Expires what is due everywhere (open holds past their TTL, lots past expiry, unlimited ones too), one account at a time.
-- Balances are right without it (expired lots stop counting at once); this returns held tokens and
-- records losses for accounts that are not being used. Returns how many accounts it touched.
CREATE OR REPLACE FUNCTION quota_sweep(p_limit int DEFAULT 500, p_now timestamptz DEFAULT now()) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  v_account uuid;
  v_n int := 0;
BEGIN
  FOR v_account IN
    SELECT account_id FROM holds WHERE status = 'open' AND expires_at <= p_now
    UNION
    SELECT account_id FROM lots WHERE expired_at IS NULL AND expires_at <= p_now
    LIMIT p_limit
  LOOP
    -- Skip an account that is busy right now; the next sweep (or its own next consume) will do it.
    PERFORM 1 FROM accounts WHERE id = v_account FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
      PERFORM quota_housekeep(v_account, p_now);
      PERFORM pg_notify('quota_account', v_account::text);
      v_n := v_n + 1;
    END IF;
  END LOOP;
  RETURN v_n;
END $$;

-- Ends lots now (a subscription period replaced by the next): records what they lose.
CREATE OR REPLACE FUNCTION quota_end_lots(p_lots uuid[], p_now timestamptz DEFAULT now()) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_account uuid;
BEGIN
  FOR v_account IN SELECT DISTINCT account_id FROM lots WHERE id = ANY(p_lots) ORDER BY 1 LOOP
    PERFORM 1 FROM accounts WHERE id = v_account FOR UPDATE;
    UPDATE lots SET expires_at = p_now
      WHERE id = ANY(p_lots) AND account_id = v_account AND (expires_at IS NULL OR expires_at > p_now);
    PERFORM quota_housekeep(v_account, p_now);
    PERFORM pg_notify('quota_account', v_account::text);
  END LOOP;
END $$;

-- Ends one lot now, through the expiry's own records: an unlimited lot (a site admin or a site key takes
-- unlimited use back), or, with p_paid_sources, a lot of tokens not paid for (a site admin ends a bonus:
-- what is left of it expires now). Its expiry becomes now, and an 'expire' operation with one entry on the
-- lot records who ended it, when and what it lost (0 tokens for unlimited use: the statement's "Unlimited
-- ended"); the lot's `lot.expired` (ended: true) is announced as any lot's. Tokens a running job holds are
-- the job's until it settles, and what it gives back would land in an ended lot: such a lot is refused until
-- the hold closes. At most once per key (scoped to its caller: the same key and lot answer the first end, replayed).
-- Errors: not_found (no such lot, or one of another account than p_account), conflict (a lot of tokens
-- without p_paid_sources or of one of them, one a job holds tokens of, one that has ended), and the key's
-- refusals (quota_claim_key).
DROP FUNCTION IF EXISTS quota_end_unlimited(uuid, uuid, uuid, uuid, text, text, text, timestamptz);
CREATE OR REPLACE FUNCTION quota_end_lot(p_lot uuid, p_account uuid DEFAULT NULL, p_actor_user uuid DEFAULT NULL,
    p_actor_key uuid DEFAULT NULL, p_scope text DEFAULT NULL, p_key text DEFAULT NULL, p_hash text DEFAULT NULL,
    p_paid_sources text[] DEFAULT NULL, p_now timestamptz DEFAULT now())
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_account uuid;
  v_lot record;
  v_held bigint;
  v_until timestamptz;
  v_op uuid := gen_random_uuid();
  v_claimed jsonb;
  v_result jsonb;
BEGIN
  p_now := coalesce(p_now, now());
  SELECT account_id INTO v_account FROM lots WHERE id = p_lot;
  IF NOT FOUND OR v_account IS DISTINCT FROM coalesce(p_account, v_account) THEN
    RETURN jsonb_build_object('ok', false, 'code', 'not_found', 'message', 'No such lot.');
  END IF;
  v_claimed := quota_claim_key(p_scope, p_key, p_hash);
  IF v_claimed IS NOT NULL THEN RETURN v_claimed; END IF;
  -- The account's lock orders this end after any spend from the lot in flight; what is due expires first.
  PERFORM 1 FROM accounts WHERE id = v_account FOR UPDATE;
  PERFORM quota_housekeep(v_account, p_now);
  SELECT id, unlimited, model, note, source, expires_at, remaining INTO v_lot FROM lots WHERE id = p_lot;
  -- A refusal naming figures or a time gives them (a time with the site's zone), for the app to word as it
  -- writes them (ledger/sql-result.ts figureWords).
  IF NOT v_lot.unlimited AND p_paid_sources IS NULL THEN
    RETURN jsonb_build_object('ok', false, 'code', 'conflict', 'says', 'not_unlimited', 'remaining', v_lot.remaining);
  END IF;
  IF NOT v_lot.unlimited AND v_lot.source = ANY(p_paid_sources) THEN
    RETURN jsonb_build_object('ok', false, 'code', 'conflict',
      'message', 'These tokens were paid for: a refund takes them back, or set the general balance.');
  END IF;
  IF v_lot.expires_at IS NOT NULL AND v_lot.expires_at <= p_now THEN
    RETURN jsonb_build_object('ok', false, 'code', 'conflict', 'says', 'ended_already', 'unlimited', v_lot.unlimited, 'ended_at', v_lot.expires_at,
      'time_zone', (SELECT time_zone FROM site_settings WHERE id = 1));
  END IF;
  SELECT coalesce(-sum(e.amount), 0), max(h.expires_at) INTO v_held, v_until
    FROM holds h JOIN entries e ON e.operation_id = h.operation_id AND e.lot_id = p_lot
   WHERE h.account_id = v_account AND h.status = 'open';
  IF NOT v_lot.unlimited AND v_held > 0 THEN
    RETURN jsonb_build_object('ok', false, 'code', 'conflict', 'says', 'held_by_job', 'held', v_held, 'held_until', v_until,
      'time_zone', (SELECT time_zone FROM site_settings WHERE id = 1));
  END IF;
  UPDATE lots SET expires_at = p_now, expired_at = p_now, remaining = 0 WHERE id = p_lot;
  v_result := jsonb_build_object('ok', true, 'lot_id', p_lot, 'operation_id', v_op, 'account_id', v_account,
    'model', v_lot.model, 'note', v_lot.note, 'unlimited', v_lot.unlimited, 'tokens', CASE WHEN v_lot.unlimited THEN 0 ELSE v_lot.remaining END,
    'ended_at', p_now, 'previous_expiry', v_lot.expires_at);
  INSERT INTO operations (id, account_id, kind, status, model, cost, actor_user_id, actor_key_id, idem_scope, idem_key,
      request_hash, response, metadata, created_at)
    VALUES (v_op, v_account, 'expire', 'ok', v_lot.model, CASE WHEN v_lot.unlimited THEN 0 ELSE v_lot.remaining END,
      p_actor_user, p_actor_key, p_scope, p_key, p_hash, v_result,
      jsonb_build_object('lot_id', p_lot, 'unlimited', v_lot.unlimited, 'ended', true), p_now);
  INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
    VALUES (v_op, v_account, p_lot, 'expire', CASE WHEN v_lot.unlimited THEN 0 ELSE -v_lot.remaining END,
      CASE WHEN v_lot.unlimited THEN NULL ELSE 0 END, p_now);
  PERFORM pg_notify('quota_account', v_account::text);
  RETURN v_result;
END $$;
