-- Group commit (DESIGN.md "Throughput"): the consumes and holds that reached one app process while its
-- previous batch was in flight, in ONE round trip and ONE transaction (ledger/group-commit.ts).
-- p_items: a jsonb array (at most 64, see below) of {mode: 'consume'|'hold', account, actor_user,
-- actor_key, feature, units, model, hold_tokens, hold_ttl_seconds, scope, key, hash, metadata, now}
-- (quota_spend's arguments; now NULL = the moment the item's turn comes). Returns a jsonb array in the
-- same order: each item's own quota_spend answer (its own key claim, result or refusal), or
-- {ok: false, error: {sqlstate, message}} when that item raised an error.
--
-- Accounts are locked first, all at once, in uuid order: batches from several app processes take
-- their locks in one global order and cannot deadlock each other. Then the plain spends are written
-- together (quota_spend_plain, spend_plain.sql), and each other item runs as quota_spend does on its
-- own (re-locking its account is free). The items run inside one savepoint; should one
-- of them raise (validation in Node should have stopped it), everything is rolled back to it and
-- the items run again, each inside its own savepoint, so only that item fails. At most 64 items:
-- more subtransactions than that overflow each backend's subtransaction cache (PGPROC_MAX_CACHED_SUBXIDS),
-- which slows every snapshot on the server.
CREATE OR REPLACE FUNCTION quota_spend_batch(p_items jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_results jsonb[];
  v_item jsonb;
  v_n int;
  v_plain jsonb;
  v_at timestamptz := '-infinity';
BEGIN
  IF jsonb_array_length(p_items) > 64 THEN
    RAISE EXCEPTION 'quota_spend_batch: at most 64 items (got %)', jsonb_array_length(p_items)
      USING ERRCODE = 'program_limit_exceeded';
  END IF;
  PERFORM 1 FROM accounts
    WHERE id = ANY (ARRAY(SELECT DISTINCT (i->>'account')::uuid FROM jsonb_array_elements(p_items) i))
    ORDER BY id FOR UPDATE;
  BEGIN
    v_at := clock_timestamp();
    v_plain := quota_spend_plain(p_items, v_at);
    v_at := v_at + make_interval(secs => jsonb_array_length(p_items) / 1e6);
    FOR v_item, v_n IN SELECT i, n FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(i, n) LOOP
      IF jsonb_typeof(v_plain->(v_n - 1)) = 'object' THEN
        v_results := v_results || (v_plain->(v_n - 1));
      ELSE
        v_at := greatest(clock_timestamp(), v_at + interval '1 microsecond');
        v_results := v_results || quota_spend_item(v_item, v_at);
      END IF;
    END LOOP;
  EXCEPTION WHEN OTHERS THEN
    v_results := '{}';
    FOR v_item IN SELECT i FROM jsonb_array_elements(p_items) i LOOP
      BEGIN
        v_at := greatest(clock_timestamp(), v_at + interval '1 microsecond');
        v_results := v_results || quota_spend_item(v_item, v_at);
      EXCEPTION WHEN OTHERS THEN
        v_results := v_results || jsonb_build_object('ok', false, 'error',
          jsonb_build_object('sqlstate', SQLSTATE, 'message', SQLERRM));
      END;
    END LOOP;
  END;
  RETURN to_jsonb(coalesce(v_results, '{}'));
END $$;

-- One consume or hold: quota_spend with the item's fields, at the item's own `now` or else p_now (a
-- batch gives each item the moment its turn came, strictly increasing, so the usage history lists a
-- batch's operations in the order they were applied even where the clock is coarse), else now().
-- In a batch the caller announces the change after the commit (p_notify false); inside a caller's
-- transaction it is NOTIFYed with that commit.
CREATE OR REPLACE FUNCTION quota_spend_item(p_item jsonb, p_now timestamptz DEFAULT NULL, p_notify boolean DEFAULT false)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  RETURN quota_spend(p_mode => p_item->>'mode', p_account => (p_item->>'account')::uuid,
    p_actor_user => (p_item->>'actor_user')::uuid, p_actor_key => (p_item->>'actor_key')::uuid,
    p_feature => p_item->>'feature', p_units => (p_item->>'units')::numeric, p_model => p_item->>'model',
    p_hold_tokens => (p_item->>'hold_tokens')::bigint, p_hold_ttl_seconds => (p_item->>'hold_ttl_seconds')::int,
    p_scope => p_item->>'scope', p_key => p_item->>'key', p_hash => p_item->>'hash',
    p_metadata => nullif(p_item->'metadata', 'null'::jsonb),
    p_now => coalesce((p_item->>'now')::timestamptz, p_now, now()), p_notify => p_notify);
END $$;
