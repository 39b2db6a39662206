import type { ApiKeyAuth } from '../accounts';
import { DomainError } from '../errors';

/** Only the site's own keys manage its webhooks (an account key is `forbidden`). Returns the actor. */
export function siteKeyActor(key: ApiKeyAuth | null): { keyId: string } {
	if (key?.kind !== 'site') throw new DomainError('forbidden', 'Only a site key can manage webhook endpoints.');
	return { keyId: key.keyId };
}
