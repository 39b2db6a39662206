-- Whether a site key naming a `user` id Quota does not know creates that user (as every site has so
-- far: on) or is refused with 404 unknown_user, so a typo in an id cannot open an account.
ALTER TABLE "site_settings" ADD COLUMN "create_unknown_users" boolean DEFAULT true NOT NULL;
