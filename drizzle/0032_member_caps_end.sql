-- A member's caps on a team end with their membership (accounts/teams.ts endMembership); those left
-- behind by members who left or were removed before that would apply again if they rejoined.
DELETE FROM "caps" c
 WHERE c."member_user_id" IS NOT NULL
   AND NOT EXISTS (
     SELECT 1 FROM "teams" t JOIN "team_members" m ON m."team_id" = t."id"
      WHERE t."account_id" = c."account_id" AND m."user_id" = c."member_user_id");
