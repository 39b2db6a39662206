-- Unlimited use granted from the console's "Grant a bonus" form (grant key `admin-unlimited:…`,
-- admin/user-actions.ts grantUnlimited) is a bonus, as the tokens that form grants are: its lots read
-- "Bonus" on the dashboard, the statement and Lots, no longer "Added by an admin". Only the label of
-- the lot changes: its amounts and entries are as they were.
UPDATE "lots" SET "source" = 'bonus' WHERE "unlimited" AND "source" = 'admin' AND "grant_key" LIKE 'admin-unlimited:%';
