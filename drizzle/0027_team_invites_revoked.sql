-- A team's owners and admins can withdraw a pending invitation: its link then says so instead of
-- offering to join. Null: not withdrawn.
ALTER TABLE "team_invites" ADD COLUMN "revoked_at" timestamp with time zone;
