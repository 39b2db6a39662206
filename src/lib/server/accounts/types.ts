import type { KeyScope } from '../../key-scopes';

/** Who is making a request, as resolved once per request in hooks.server.ts. */
export interface SessionUser {
	id: string;
	accountId: string;
	email: string | null;
	name: string;
	siteRole: string;
	timeZone: string | null;
}

export interface Auth {
	user: SessionUser;
	sessionId: string;
}

/** read · consume · grant · webhooks (key-scopes.ts says each in words). */
export type ApiKeyScope = KeyScope;

/** An AI app calling the REST API with a bearer key. */
export interface ApiKeyAuth {
	keyId: string;
	/** site: may act for any account; account: only for `accountId`. */
	kind: 'site' | 'account';
	accountId: string | null;
	scopes: ApiKeyScope[];
}

export const isSiteAdmin = (auth: Auth | null | undefined): boolean => auth?.user.siteRole === 'admin';
