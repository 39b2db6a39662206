-- The free allowances' part of alert_states.last_base (alerts/level.ts measuredShare): a change of a
-- role or of an allowance rule lowers the allocation by rule, not by use, so only the lots' part of
-- the last base measures a change. Null until the next evaluation (then the part now is used).
ALTER TABLE "alert_states" ADD COLUMN "last_allowance_base" bigint;
