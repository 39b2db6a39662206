-- An event bonus's notices (it reached them, its expiry moved, it ended) go to every account's in-app alerts;
-- the admin chooses whether they also go by e-mail to those whose e-mail alerts are on (admin/campaigns.ts).
-- Campaigns sent before this migration mailed them: they keep doing so.
ALTER TABLE "campaigns" ADD COLUMN "by_email" boolean DEFAULT true NOT NULL;
