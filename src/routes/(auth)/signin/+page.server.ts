import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDb } from '$lib/server/db';
import { invalidateSession, signIn } from '$lib/server/accounts';
import { setSessionCookie } from '$lib/server/http/identify';
import { field, formFailure, safeNext } from '$lib/server/forms';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.auth) redirect(303, safeNext(url.searchParams.get('next')));
	return { next: url.searchParams.get('next') ?? '', reset: url.searchParams.has('reset') };
};

export const actions: Actions = {
	default: async ({ request, cookies, url, locals, getClientAddress, setHeaders }) => {
		const data = await request.formData();
		const email = field(data, 'email');
		const db = await getDb();
		let session;
		try {
			session = await signIn(db, { email, password: field(data, 'password') }, { ip: getClientAddress(), userAgent: request.headers.get('user-agent') });
		} catch (e) {
			return formFailure(e, setHeaders, { email });
		}
		// Signing in again in the same browser replaces the session it had.
		if (locals.auth) await invalidateSession(db.orm, locals.auth.sessionId);
		setSessionCookie(cookies, session.token, session.expiresAt);
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
