-- One window function defines every period boundary (DESIGN.md "Periods"): allowances and caps
-- already count in quota_window_start/end (0001), in the site's time zone and week start. Reports,
-- "used today / this month", the forecast and every chart now count in the same windows, through
-- quota_windows below, instead of date_trunc('week') (always Monday) or a UTC date made in Node.

-- The last p_count windows of p_period ('daily', 'weekly' or 'monthly') up to the one that holds
-- p_now, oldest first: each window's instants and its site-local calendar days (first_day …
-- last_day, as usage_daily.day counts them), so the daily rollup groups into exactly these windows.
CREATE FUNCTION quota_windows(p_period text, p_count int, p_now timestamptz DEFAULT now())
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
