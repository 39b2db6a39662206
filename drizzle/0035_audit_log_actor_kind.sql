-- What an entry's actor was is kept with it, as it was when the entry was written (accounts/audit.ts
-- `actorKind`): a site admin ('admin'), a user on their own account or a team they were in ('user'), an
-- API key ('key'), Quota itself ('system'); null for someone not signed in (a failed sign-in). The log
-- read it from today's team memberships, so someone who left a team had what they did in it shown as a
-- site admin's. Entries written before are given it by that same rule, the best there is for them.
-- The log is append-only (drizzle/functions/append_only.sql): its triggers are off for the backfill
-- only (a new database has none yet; they are created after the migrations).
ALTER TABLE "audit_log" ADD COLUMN IF NOT EXISTS "actor_kind" text CONSTRAINT "audit_log_actor_kind_check" CHECK ("actor_kind" in ('admin', 'user', 'key', 'system'));--> statement-breakpoint
ALTER TABLE "audit_log" DISABLE TRIGGER USER;--> statement-breakpoint
UPDATE "audit_log" g SET "actor_kind" = CASE
	WHEN g.actor_key_id IS NOT NULL THEN 'key'
	WHEN g.actor_user_id IS NULL THEN CASE WHEN g.ip IS NULL THEN 'system' END
	-- What only the console writes.
	WHEN g.action IN ('user.role_changed', 'user.disabled', 'user.enabled', 'role.created', 'role.updated', 'role.deleted',
		'bonus.granted', 'balance.adjusted', 'campaign.created', 'campaign.applied', 'cap.set',
		'site.settings_updated', 'allowance.set', 'limits.module_saved', 'limits.rollover_saved',
		'rates.feature_saved', 'rates.module_saved', 'rates.model_saved', 'referrals.settings_saved',
		'store.product_created', 'store.product_updated', 'store.products_reordered',
		'webhook_endpoint.create', 'webhook_endpoint.update', 'webhook_endpoint.delete', 'webhook_delivery.redeliver') THEN 'admin'
	-- Their own membership, theirs even once they left.
	WHEN g.action IN ('team.member_joined', 'team.member_left') THEN 'user'
	WHEN EXISTS (SELECT 1 FROM users u WHERE u.id = g.actor_user_id AND u.account_id = g.account_id)
		OR EXISTS (SELECT 1 FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.account_id = g.account_id AND m.user_id = g.actor_user_id) THEN 'user'
	ELSE 'admin'
END
WHERE g.actor_kind IS NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE TRIGGER USER;
