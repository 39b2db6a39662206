-- What an account used of a module's allowance in a window counts every rule's window of that start
-- (quota_allowance_used), so a change of which rule applies keeps the use: an account's windows are
-- found by their start.
CREATE INDEX IF NOT EXISTS "allowance_windows_account_start_idx" ON "allowance_windows" ("account_id", "window_start");
