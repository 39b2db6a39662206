-- A guest's account is named by the host's guest id ("Guest g_1f9c"), as guests.ts names new ones:
-- the console's flags, delivery log and audit log said "Guest" for every guest, and two guests read as one.
UPDATE "accounts" AS a SET "name" = 'Guest ' || g."id" FROM "guests" AS g WHERE g."account_id" = a."id" AND a."kind" = 'guest' AND a."name" = 'Guest';
