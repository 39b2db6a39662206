-- A signed-in stream (the dashboard's GET /api/v1/stream) ends when its session ends or its user may
-- no longer read the account it streams (accounts/access-watch.ts). Whatever ends a session (sign-out,
-- sign-out everywhere, a password change or reset, a session revoked in Settings, a hand-written
-- DELETE), removes a team member (or a whole team) or changes a site role tells every process, on the
-- channel the key notices use (api_key_notices.sql), with the payload 'access' (kept keys stay kept):
-- one notice per statement that touched a row, after its commit. A user disabled is told already.

CREATE OR REPLACE FUNCTION quota_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A sign-in clears its user's expired sessions, mostly none: nothing to tell then. (A trigger on
  -- some columns has no transition table: a site role change, rare, is told whatever it changed.)
  IF TG_OP = 'DELETE' THEN
    IF NOT EXISTS (SELECT 1 FROM gone) THEN
      RETURN NULL;
    END IF;
  END IF;
  PERFORM pg_notify('quota_api_keys', 'access');
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER sessions_ended AFTER DELETE ON sessions
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION quota_access_changed();

CREATE OR REPLACE TRIGGER team_members_removed AFTER DELETE ON team_members
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION quota_access_changed();

CREATE OR REPLACE TRIGGER users_site_role_changed AFTER UPDATE OF site_role ON users
  FOR EACH STATEMENT EXECUTE FUNCTION quota_access_changed();
