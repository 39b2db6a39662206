-- Plain spends, written together (issue 16). An item of quota_spend costs its batch about 25 PL/pgSQL
-- statements, each with its executor's start-up; most consumes and holds of a busy site need none of
-- the decisions those statements make. This writes a batch's plain spends in ONE statement, whatever
-- their number: a lot several of them pay from is updated once, and their day's usage is one row per
-- account, day, feature, model and member.
--
-- An account's items are plain when every one of them is a consume or a hold with no fixed `now`, of
-- a known and enabled feature whose module has no free allowance, of a known model or none, under an
-- idempotency key that is new, unique in the batch and free to claim; and the account is a user's (a
-- team's has caps and allowances of its own; for a guest, a module without a rule is off),
-- has no caps, has nothing that expires within the minute (no housekeeping due, the same usable lots
-- for every item), has no unlimited lot whose end is not recorded and no lot of an item's model, and its general lots hold all
-- of the items' costs, and its first lot in spend order all but the last item's (a lot a use empties
-- leaves the allocation the next item's level is measured against: such a batch goes one by one). Then the
-- spend rules reduce to arithmetic: the items, in batch order, pay from the lots in spend order
-- (priority, soonest expiry, oldest), so item k takes from each lot the overlap of its interval
-- [C(k-1), C(k)) of the account's running cost with the lot's interval
-- [L(j-1), L(j)) of the running remaining (a hold costs what it holds, as in quota_spend_price).
-- Every other item (a refusal, an allowance, a cap, a replay…) goes to quota_spend_item, one by one.
-- The answers and rows are those quota_spend gives: ledger-plain-spends.test.ts sends the same batches
-- both ways and compares them.
--
-- A batch of one goes item by item: for one item this statement costs more than quota_spend; from
-- two on, less (a batch from one client, quiet machine, 3 December: one item 1.11–1.22 against
-- 1.03–1.10 ms, two 1.27–1.33 against 1.37–1.45 ms).

-- The items before they carried a hold's tokens and time to live (another row type) go first.
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'quota_batch_items' AND NOT ('hold_tokens' = ANY (proargnames))) THEN
    DROP FUNCTION quota_batch_items(jsonb);
  END IF;
END $$;

-- A batch's items as rows, n their 1-based place. Declared ROWS 4 (a batch under load holds a few, at most 64)
-- so that the plans built on them probe the indexes of the items' accounts, where the planner's guess
-- for jsonb_array_elements (100 rows) joins whole tables.
CREATE OR REPLACE FUNCTION quota_batch_items(p_items jsonb)
RETURNS TABLE (n int, mode text, account uuid, actor_user uuid, actor_key uuid, feature text, units numeric, model text,
  hold_tokens bigint, hold_ttl_seconds int, scope text, key text, hash text, metadata jsonb, fixed_now text)
LANGUAGE plpgsql IMMUTABLE ROWS 4 AS $$
BEGIN
  RETURN QUERY SELECT x.n::int, x.i->>'mode', (x.i->>'account')::uuid, (x.i->>'actor_user')::uuid,
      (x.i->>'actor_key')::uuid, x.i->>'feature', (x.i->>'units')::numeric, x.i->>'model',
      (x.i->>'hold_tokens')::bigint, (x.i->>'hold_ttl_seconds')::int, x.i->>'scope',
      x.i->>'key', x.i->>'hash', nullif(x.i->'metadata', 'null'::jsonb), x.i->>'now'
    FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(i, n);
END $$;

CREATE OR REPLACE FUNCTION quota_spend_plain(p_items jsonb, p_at timestamptz) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  s site_settings;
  v_answers jsonb;
BEGIN
  IF jsonb_array_length(p_items) < 2 THEN
    RETURN NULL;
  END IF;
  SELECT * INTO s FROM site_settings WHERE id = 1;
  -- The items' features' use locks (feature_lock.sql), in a statement of their own: the one below then
  -- reads the features after any removal they waited for.
  PERFORM quota_feature_use_lock(f.feature) FROM (SELECT DISTINCT b.feature FROM quota_batch_items(p_items) b) f;
  WITH it AS MATERIALIZED (
    SELECT b.*, p_at + make_interval(secs => b.n / 1e6) AS at FROM quota_batch_items(p_items) b
  ),
  -- What each item is, and whether it is plain (its key claimed as quota_claim_key claims it, until commit).
  item AS MATERIALIZED (
    SELECT it.*, fe.module,
      CASE WHEN it.mode = 'hold' THEN it.hold_tokens ELSE ceil(it.units * fe.tokens_per_unit)::bigint END AS cost,
      (it.mode = 'consume' OR (it.mode = 'hold' AND it.hold_ttl_seconds > 0)) AND it.fixed_now IS NULL AND it.key IS NOT NULL AND fe.enabled
      AND (it.model IS NULL OR EXISTS (SELECT 1 FROM models mo WHERE mo.key = it.model))
      AND NOT EXISTS (SELECT 1 FROM allowance_rules r WHERE r.module = fe.module)
      -- The model's test first: for a hashed subplan the planner may read every lot of the site.
      AND (it.model IS NULL OR NOT EXISTS (SELECT 1 FROM lots l WHERE l.account_id = it.account AND l.model = it.model
                        AND (l.expires_at IS NULL OR l.expires_at > p_at)))
      AND count(*) OVER (PARTITION BY it.scope, it.key) = 1
      AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.idem_scope = it.scope AND o.idem_key = it.key)
      AND pg_try_advisory_xact_lock(hashtextextended(it.scope || chr(31) || it.key, 7243)) AS is_plain
    FROM it LEFT JOIN features fe ON fe.key = it.feature
  ),
  -- The accounts whose every item is plain and nothing of which is due, with what their lots hold
  -- (quota_lots_share of the general lots: no item's model has lots, no item's module an allowance).
  -- quota_lots_share once an account (not once an item: a hot account's batch is many items of one), and
  -- only for an account whose every item is plain.
  acct AS MATERIALIZED (
    SELECT a.id, g.total, g.last_cost, f.lots_left, f.lots_allocated, f.lots_held,
      (SELECT l.remaining FROM lots l WHERE l.account_id = a.id AND l.model IS NULL AND l.remaining > 0
          AND (l.expires_at IS NULL OR l.expires_at > p_at)
        ORDER BY l.priority DESC, l.expires_at ASC NULLS LAST, l.created_at, l.id LIMIT 1) AS first_lot
    FROM (SELECT item.account, sum(item.cost) AS total, (array_agg(item.cost ORDER BY item.n DESC))[1] AS last_cost
            FROM item GROUP BY item.account
          HAVING bool_and(coalesce(item.is_plain AND item.cost >= 0, false))) g
      JOIN accounts a ON a.id = g.account
      CROSS JOIN LATERAL quota_lots_share(a.id, NULL, p_at, NULL, NULL) f
    WHERE a.kind = 'user'
      AND NOT EXISTS (SELECT 1 FROM caps c WHERE c.account_id = a.id)
      AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.account_id = a.id AND h.status = 'open'
                        AND h.expires_at <= p_at + interval '1 minute')
      -- An unlimited lot not yet recorded ended: in force, or past its end date (housekeeping due).
      AND NOT EXISTS (SELECT 1 FROM lots l WHERE l.account_id = a.id AND l.expired_at IS NULL
                        AND (l.unlimited OR l.expires_at <= p_at + interval '1 minute'))
  ),
  plain AS MATERIALIZED (
    SELECT item.*, gen_random_uuid() AS op, CASE WHEN item.mode = 'hold' THEN gen_random_uuid() END AS hold,
      CASE WHEN item.mode = 'hold' THEN item.at + make_interval(secs => item.hold_ttl_seconds) END AS expires_at, acct.lots_left, acct.lots_allocated,
      sum(item.cost) OVER (PARTITION BY item.account ORDER BY item.n) AS spent,
      -- What running holds hold after the item, the batch's holds so far with it (quota_spend's level counts a hold's own).
      acct.lots_held + sum(CASE WHEN item.mode = 'hold' THEN item.cost ELSE 0 END) OVER (PARTITION BY item.account ORDER BY item.n) AS held
    FROM item JOIN acct ON acct.id = item.account AND acct.total <= acct.lots_left AND acct.total - acct.last_cost < acct.first_lot
  ),
  -- The lots of the plain spends' accounts in spend order, each as its interval of the running remaining.
  lot AS (
    SELECT l.id, l.account_id, l.source, l.remaining,
      row_number() OVER w AS rank, sum(l.remaining) OVER w AS upto
    FROM lots l WHERE l.account_id IN (SELECT DISTINCT plain.account FROM plain) AND l.model IS NULL
      AND l.remaining > 0 AND (l.expires_at IS NULL OR l.expires_at > p_at)
    WINDOW w AS (PARTITION BY l.account_id ORDER BY l.priority DESC, l.expires_at ASC NULLS LAST, l.created_at, l.id)
  ),
  take AS MATERIALIZED (
    SELECT plain.n, plain.op, plain.mode, plain.account, plain.at, lot.id AS lot_id, lot.source, lot.rank,
      least(plain.spent, lot.upto) - greatest(plain.spent - plain.cost, lot.upto - lot.remaining) AS tokens,
      greatest(lot.upto - plain.spent, 0) AS balance_after
    FROM plain JOIN lot ON lot.account_id = plain.account AND plain.cost > 0
     AND lot.upto - lot.remaining < plain.spent AND lot.upto > plain.spent - plain.cost
  ),
  lots_paid AS (
    UPDATE lots l SET remaining = l.remaining - t.tokens
      FROM (SELECT take.lot_id, sum(take.tokens) AS tokens FROM take GROUP BY take.lot_id) t
     WHERE l.id = t.lot_id
  ),
  entries_written AS (
    INSERT INTO entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
    SELECT take.op, take.account, take.lot_id, take.mode, -take.tokens, take.balance_after, take.at
      FROM take ORDER BY take.n, take.rank
  ),
  usage_written AS (
    INSERT INTO usage_daily AS d (account_id, day, feature, model, actor_user_id, tokens, operations)
    SELECT plain.account, (plain.at AT TIME ZONE s.time_zone)::date, plain.feature, coalesce(plain.model, ''),
        coalesce(plain.actor_user::text, ''), sum(plain.cost), count(*)
      FROM plain WHERE plain.mode = 'consume' GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (account_id, day, feature, model, actor_user_id)
    DO UPDATE SET tokens = d.tokens + excluded.tokens, operations = d.operations + excluded.operations
  ),
  holds_written AS (
    INSERT INTO holds (id, account_id, operation_id, feature, model, amount, status, expires_at, created_at)
    SELECT plain.hold, plain.account, plain.op, plain.feature, plain.model, plain.cost, 'open', plain.expires_at, plain.at
      FROM plain WHERE plain.mode = 'hold' ORDER BY plain.n
  ),
  -- quota_spend_result's answer for an accepted spend without an allowance.
  answer AS MATERIALIZED (
    SELECT plain.*, r.remaining, jsonb_build_object('ok', true, 'code', NULL, 'message', NULL, 'details', NULL,
        'cost', plain.cost, 'paid_by', coalesce((SELECT jsonb_agg(jsonb_build_object('type', 'lot', 'id', take.lot_id,
            'label', take.source, 'model', NULL, 'tokens', take.tokens, 'unlimited', false) ORDER BY take.rank)
          FROM take WHERE take.n = plain.n), '[]'::jsonb),
        'remaining', r.remaining,
        'level', quota_level(r.remaining::bigint, plain.held::bigint, plain.lots_allocated, s.low_share_percent),
        'active', true, 'allowance', NULL, 'operation_id', plain.op, 'hold_id', plain.hold, 'expires_at', plain.expires_at) AS result
    FROM plain CROSS JOIN LATERAL (SELECT plain.lots_left - plain.spent AS remaining) r
  ),
  operations_written AS (
    INSERT INTO operations (id, account_id, kind, status, code, feature, model, units, cost, actor_user_id, actor_key_id,
        hold_id, idem_scope, idem_key, request_hash, response, balance_after, metadata, created_at)
    SELECT answer.op, answer.account, answer.mode, 'ok', NULL, answer.feature, answer.model, answer.units, answer.cost,
        answer.actor_user, answer.actor_key, answer.hold, answer.scope, answer.key, answer.hash, answer.result,
        answer.remaining, answer.metadata, answer.at
      FROM answer ORDER BY answer.n
  )
  SELECT jsonb_agg(answer.result ORDER BY it.n) INTO v_answers FROM it LEFT JOIN answer ON answer.n = it.n;
  RETURN v_answers;
END $$;
