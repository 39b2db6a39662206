-- A feature's removal and the spends that record it take one lock on its key (advisory, until commit),
-- so no spend under way can record a feature its removal found unused. A spend that writes takes it
-- shared, before it reads the feature (quota_spend_price, quota_spend_plain): spends never wait for each
-- other, and a lock in memory, unlike a row lock on the feature, writes nothing to the feature's page.
-- The removal (ledger/rates.ts removeFeature) takes it exclusively before it counts what names the
-- feature: it waits for the spends under way to commit, and the spends after it wait for it, then find
-- no feature. The two-number form keeps these keys apart from the one-number keys of idempotency.
CREATE OR REPLACE FUNCTION quota_feature_use_lock(p_feature text) RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock_shared(7243019, hashtext(p_feature))
$$;

CREATE OR REPLACE FUNCTION quota_feature_removal_lock(p_feature text) RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(7243019, hashtext(p_feature))
$$;
