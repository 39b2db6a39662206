-- Entries are append-only (DESIGN.md, "Entry"): 0001 refuses UPDATE and DELETE row by row, but a
-- TRUNCATE fires no row trigger and would wipe the ledger's history. Refuse it too, as audit_log does.
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
  FOR EACH STATEMENT EXECUTE FUNCTION quota_reject_change();
