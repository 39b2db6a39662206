-- The role every new user gets (key `subscriber`) was shown as "Subscriber", generated from its key
-- (0015), which reads as a paying subscriber beside the store's subscriptions (paid plans). It is
-- shown as "Member" from now on, on every site whose admin has not named it: a role an admin renamed
-- or described keeps what they chose. The key stays: users, allowances and the column default store it.
UPDATE "site_roles" SET "name" = 'Member', "description" = 'Everyone who signs up: the free allowances, no paid plan.'
WHERE "key" = 'subscriber' AND "name" = 'Subscriber' AND "description" = '';
