-- App processes keep the API keys they saw a moment ago (the metering API would otherwise look its
-- key up on every request). Whatever revokes or pauses a key or disables a user, the app or a hand-written
-- UPDATE, tells every process to drop what it kept: one notice per statement, after its commit.

CREATE OR REPLACE FUNCTION quota_api_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('quota_api_keys', '');
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER api_keys_changed AFTER UPDATE OF revoked_at, paused_at, scopes OR DELETE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION quota_api_keys_changed();

CREATE OR REPLACE TRIGGER users_disabled_changed AFTER UPDATE OF disabled_at OR DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION quota_api_keys_changed();
