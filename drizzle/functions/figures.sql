-- The admin's users list sorts 100,000 accounts by balance, use this month and last active day
-- through account_figures (drizzle/0024_account_figures.sql), kept here and NOT by quota_spend
-- (issue 16: nothing added to the hot path). Each new user or team gets its row at once; a refresh
-- (the schedule's `ledger.figures` job, ledger/figures-summary.ts) recomputes the accounts that
-- changed since its last run, with the same meanings as the live figures (ledger/account-figures.ts):
-- balance = active lots' remaining, unlimited lots excluded; general = those without a model;
-- used = usage_daily since the first of the site's month; last active = usage_daily's last day,
-- for a person's account the later of it and their last use of a team pool (in the team or not).

CREATE OR REPLACE FUNCTION quota_figures_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_figures (account_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

-- Guests are many and anonymous: the list shows them aggregated, never sorted one by one.
CREATE OR REPLACE TRIGGER accounts_figures_row AFTER INSERT ON accounts
  FOR EACH ROW WHEN (NEW.kind <> 'guest') EXECUTE FUNCTION quota_figures_row();

-- Recomputes the figures of the accounts that changed since the last refresh: those with an
-- operation since the cursor (every change of a lot or of usage_daily writes one: consumes, holds,
-- settles, grants, adjustments, clawbacks, recorded expiries) and those with a lot whose expiry
-- passed since then (it leaves the balance before the sweep records it). Everything (every user
-- and team) on the first run, when p_full, when the site's month has turned (use restarts), and
-- once a day: that bounds what the cursor cannot see (an operation written with an earlier
-- effective time, as the demo's seed does; a session of another role, whose transaction start
-- pg_stat_activity hides) to a day.
-- Answers {full, changed, as_of}: whether it was a full refresh, the rows it changed, and the time
-- its figures are as of (ledger/sql-result.ts, figuresRefreshAnswer).
CREATE OR REPLACE FUNCTION quota_refresh_figures(p_full boolean DEFAULT false) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  r account_figures_refresh;
  v_month date;
  v_horizon timestamptz;
  v_full boolean;
  v_accounts uuid[];
  v_changed int;
BEGIN
  SELECT * INTO r FROM account_figures_refresh WHERE id = 1 FOR UPDATE;
  -- A run that waited here for another one (the job's, an export's) that began later has nothing to add.
  IF r.as_of >= now() AND NOT p_full THEN
    RETURN jsonb_build_object('full', false, 'changed', 0, 'as_of', r.as_of);
  END IF;
  SELECT (date_trunc('month', now() AT TIME ZONE s.time_zone))::date INTO v_month FROM site_settings s WHERE s.id = 1;
  -- The next cursor. An operation is stamped with its transaction's start (now()), so one not yet
  -- committed can carry a time before this run's: the oldest open transaction bounds them all.
  SELECT least(now(), min(a.xact_start)) INTO v_horizon FROM pg_stat_activity a
   WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL;
  -- Never back (a forced full run that waited for a later one): the rollup must not add a stretch twice.
  v_horizon := greatest(v_horizon, r.cursor);
  v_full := p_full OR r.as_of IS NULL OR r.cursor IS NULL OR r.month IS DISTINCT FROM v_month
    OR r.full_at IS NULL OR r.full_at <= now() - interval '1 day';
  IF v_full THEN
    v_accounts := array(SELECT a.id FROM accounts a WHERE a.kind <> 'guest');
  ELSE
    v_accounts := array(
      SELECT o.account_id FROM operations o WHERE o.created_at >= r.cursor
      UNION
      -- A person who spent from a pool: their last active day moved with it.
      SELECT u.account_id FROM operations o JOIN users u ON u.id = o.actor_user_id
       WHERE o.created_at >= r.cursor AND o.account_id <> u.account_id
      UNION
      SELECT l.account_id FROM lots l WHERE l.expires_at > r.as_of AND l.expires_at <= now());
  END IF;
  INSERT INTO account_figures AS f (account_id, balance, general_balance, unlimited, used_this_month, last_active_day, as_of)
  SELECT a.id, lb.balance, lb.general_balance, lb.unlimited,
         (SELECT coalesce(sum(d.tokens), 0) FROM usage_daily d WHERE d.account_id = a.id AND d.day >= v_month),
         greatest((SELECT max(d.day) FROM usage_daily d WHERE d.account_id = a.id),
                  (SELECT max(d.day) FROM users u JOIN usage_daily d ON d.actor_user_id = u.id::text
                     JOIN accounts t ON t.id = d.account_id AND t.kind = 'team'
                    WHERE u.account_id = a.id)),
         now()
    FROM accounts a
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(l.remaining) FILTER (WHERE NOT l.unlimited), 0) AS balance,
             coalesce(sum(l.remaining) FILTER (WHERE NOT l.unlimited AND l.model IS NULL), 0) AS general_balance,
             coalesce(bool_or(l.unlimited), false) AS unlimited
        FROM lots l WHERE l.account_id = a.id AND (l.expires_at IS NULL OR l.expires_at > now())) lb
   WHERE a.id = ANY(v_accounts) AND a.kind <> 'guest'
  ON CONFLICT (account_id) DO UPDATE
    SET balance = excluded.balance, general_balance = excluded.general_balance, unlimited = excluded.unlimited,
        used_this_month = excluded.used_this_month, last_active_day = excluded.last_active_day, as_of = excluded.as_of
    WHERE (f.balance, f.general_balance, f.unlimited, f.used_this_month, f.last_active_day)
          IS DISTINCT FROM (excluded.balance, excluded.general_balance, excluded.unlimited, excluded.used_this_month, excluded.last_active_day);
  GET DIAGNOSTICS v_changed = ROW_COUNT;
  -- The hourly rollup of spending (usage_hourly, read by ledger/use-pace.ts) holds exactly the
  -- consumes and settles stamped before the cursor (every one of them is committed: see above),
  -- added once each: those from the old cursor to the new one; a full run (daily) rebuilds the last
  -- 8 days' (older hours go then).
  IF v_full THEN
    DELETE FROM usage_hourly;
  END IF;
  INSERT INTO usage_hourly AS u (account_id, hour, tokens)
  SELECT o.account_id, date_bin('1 hour', o.created_at, timestamptz '2000-01-01 00:00:00+00'), sum(o.cost)
    FROM operations o
   WHERE o.created_at >= CASE WHEN v_full THEN now() - interval '8 days' ELSE r.cursor END AND o.created_at < v_horizon
     AND o.status = 'ok' AND o.kind IN ('consume', 'settle')
   GROUP BY 1, 2
  ON CONFLICT (account_id, hour) DO UPDATE SET tokens = u.tokens + excluded.tokens;
  UPDATE account_figures_refresh SET as_of = now(), month = v_month, cursor = v_horizon,
    full_at = CASE WHEN v_full THEN now() ELSE full_at END WHERE id = 1;
  RETURN jsonb_build_object('full', v_full, 'changed', v_changed, 'as_of', now());
END $$;
