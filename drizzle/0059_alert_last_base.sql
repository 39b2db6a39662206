-- The allocation at the last evaluation of an account's alerts (alerts/level.ts measuredShare): a spend
-- that uses up a lot shrinks the allocation, and the tokens left before and after it are compared with
-- the one before, so passing 20 % and 10 % of it alerts. Null until the next evaluation (then `base` is used).
ALTER TABLE "alert_states" ADD COLUMN "last_base" bigint;
