-- A purchase's grant names its buyer (the order's user: the member who bought into a team's pool, or
-- the user on their own account) as the operation's actor, so a team's statement says who bought.
-- Grants made before this kept no actor: they take their order's buyer where the order names one.
UPDATE "operations" op SET "actor_user_id" = o."user_id"
  FROM "lots" l, "orders" o
 WHERE op."kind" = 'grant' AND op."actor_user_id" IS NULL AND op."actor_key_id" IS NULL
   AND l."operation_id" = op."id" AND l."source" IN ('purchase', 'subscription')
   AND l."grant_key" LIKE 'paddle:%' AND o."paddle_transaction_id" = split_part(l."grant_key", ':', 2)
   AND o."user_id" IS NOT NULL;
