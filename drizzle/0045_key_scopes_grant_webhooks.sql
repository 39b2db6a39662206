-- Granting tokens and managing webhook endpoints become scopes of their own (`grant`, `webhooks`):
-- until now any site key with `consume` granted, and any site key at all managed the webhooks,
-- powers its form never showed. A key keeps such a power only where it has used it (the audit log
-- has a grant or a webhook change by it), so an integration that relies on it goes on working and
-- the key list now says so in words; every other key loses what its owner never saw. The key Quota
-- made itself (the demo's DEMO_SITE_API_KEY, no person created it) gets both, as a new one does.
UPDATE "api_keys" k SET "scopes" = array_append(k."scopes", 'grant')
WHERE k."kind" = 'site' AND NOT ('grant' = ANY (k."scopes"))
	AND (k."created_by" IS NULL OR EXISTS (SELECT 1 FROM "audit_log" a WHERE a."actor_key_id" = k."id" AND a."action" = 'ledger.grant'));--> statement-breakpoint
UPDATE "api_keys" k SET "scopes" = array_append(k."scopes", 'webhooks')
WHERE k."kind" = 'site' AND NOT ('webhooks' = ANY (k."scopes"))
	AND (k."created_by" IS NULL OR EXISTS (SELECT 1 FROM "audit_log" a WHERE a."actor_key_id" = k."id" AND a."action" LIKE 'webhook\_%'));
