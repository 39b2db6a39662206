import { requireKeyScope, type ApiKeyAuth } from '../accounts';
import { DomainError } from '../errors';

/** Who manages the webhooks, as their audit entries record them: a site admin or a site key, and the request's address. */
export interface WebhookActor {
	userId?: string | null;
	keyId?: string | null;
	ip: string | null;
}

/**
 * Only the site's own keys with the `webhooks` scope see and manage its webhook endpoints (an account
 * key, or a site key without it, is `forbidden`). Returns the actor, from the request's address `ip`.
 */
export function siteKeyActor(key: ApiKeyAuth | null, ip: string | null): WebhookActor {
	if (key?.kind !== 'site') throw new DomainError('forbidden', 'Only a site key can manage webhook endpoints.');
	requireKeyScope(key, 'webhooks');
	return { keyId: key.keyId, ip };
}
