-- quota_spend's step 2, pricing: the feature, its module, and the cost in whole tokens, rounded up once
-- in exact decimal maths (`ceil(units × rate)`, the same rule as lib/cost.ts); a hold costs what it holds.
-- refusal: unknown_feature or unknown_model (the answer to give), else NULL. A spend that writes holds
-- the feature's use lock first (feature_lock.sql): the feature it then reads stays until it commits.
CREATE OR REPLACE FUNCTION quota_spend_price(p_mode text, p_feature text, p_units numeric, p_model text,
    p_hold_tokens bigint, OUT refusal jsonb, OUT cost bigint, OUT feature features, OUT module modules)
LANGUAGE plpgsql AS $$
BEGIN
  IF p_mode <> 'check' THEN
    PERFORM quota_feature_use_lock(p_feature);
  END IF;
  SELECT * INTO feature FROM features fe WHERE fe.key = p_feature;
  IF NOT FOUND THEN
    refusal := jsonb_build_object('ok', false, 'code', 'unknown_feature', 'message', format('Unknown feature %L.', p_feature));
    RETURN;
  END IF;
  IF p_model IS NOT NULL AND NOT EXISTS (SELECT 1 FROM models mo WHERE mo.key = p_model) THEN
    refusal := jsonb_build_object('ok', false, 'code', 'unknown_model', 'message', format('Unknown model %L.', p_model));
    RETURN;
  END IF;
  SELECT * INTO module FROM modules mo WHERE mo.key = feature.module;
  cost := CASE WHEN p_mode = 'hold' THEN p_hold_tokens ELSE ceil(p_units * feature.tokens_per_unit)::bigint END;
END $$;
