-- One window definition for every period boundary (DESIGN.md "Periods"): allowances, caps, reports,
-- "used today / this month", the forecast and every chart count in these windows, at local midnight in
-- the site's time zone and week start (DST-safe: local time, then back to UTC).

CREATE OR REPLACE FUNCTION quota_window_start(p_period text, p_tz text, p_week_start int, p_now timestamptz)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_local timestamp := p_now AT TIME ZONE p_tz;
BEGIN
  -- plpgsql rather than SQL: its plans are cached, and this runs on every consume.
  RETURN CASE p_period
    WHEN 'daily' THEN date_trunc('day', v_local) AT TIME ZONE p_tz
    WHEN 'weekly' THEN (date_trunc('day', v_local)
        - make_interval(days => ((extract(dow FROM v_local)::int - p_week_start + 7) % 7))) AT TIME ZONE p_tz
    WHEN 'monthly' THEN date_trunc('month', v_local) AT TIME ZONE p_tz
    ELSE '-infinity'::timestamptz
  END;
END $$;

CREATE OR REPLACE FUNCTION quota_window_end(p_period text, p_tz text, p_week_start int, p_now timestamptz)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
  -- The local day the window starts on, at 00:00: where midnight is skipped (DST starting at 00:00) the
  -- window starts at 01:00, and the next window starts at the next day's first instant, not at 01:00.
  v_start timestamp := date_trunc('day', quota_window_start(p_period, p_tz, p_week_start, p_now) AT TIME ZONE p_tz);
BEGIN
  RETURN CASE p_period
    WHEN 'daily' THEN (v_start + interval '1 day') AT TIME ZONE p_tz
    WHEN 'weekly' THEN (v_start + interval '7 days') AT TIME ZONE p_tz
    WHEN 'monthly' THEN (v_start + interval '1 month') AT TIME ZONE p_tz
    ELSE NULL
  END;
END $$;

-- The last p_count windows of p_period ('daily', 'weekly' or 'monthly') up to the one that holds
-- p_now, oldest first: each window's instants and its site-local calendar days (first_day …
-- last_day, as usage_daily.day counts them), so the daily rollup groups into exactly these windows.
CREATE OR REPLACE FUNCTION quota_windows(p_period text, p_count int, p_now timestamptz DEFAULT now())
RETURNS TABLE (window_start timestamptz, window_end timestamptz, first_day date, last_day date)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  s site_settings;
  v_start timestamptz;
  v_end timestamptz;
BEGIN
  IF p_period NOT IN ('daily', 'weekly', 'monthly') OR p_count IS NULL OR p_count < 1 THEN
    RAISE EXCEPTION 'quota_windows: period must be daily, weekly or monthly and count at least 1 (got %, %)', p_period, p_count
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT * INTO s FROM site_settings WHERE id = 1;
  v_start := quota_window_start(p_period, s.time_zone, s.week_start, p_now);
  -- Step back: the window before a window is the one holding the instant just before its start.
  FOR i IN 2..p_count LOOP
    v_start := quota_window_start(p_period, s.time_zone, s.week_start, v_start - interval '1 microsecond');
  END LOOP;
  FOR i IN 1..p_count LOOP
    v_end := quota_window_end(p_period, s.time_zone, s.week_start, v_start);
    window_start := v_start;
    window_end := v_end;
    first_day := (v_start AT TIME ZONE s.time_zone)::date;
    last_day := (v_end AT TIME ZONE s.time_zone)::date - 1;
    RETURN NEXT;
    v_start := v_end;
  END LOOP;
END $$;
