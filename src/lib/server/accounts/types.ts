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
