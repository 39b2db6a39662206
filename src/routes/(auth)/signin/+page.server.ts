import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { invalidateSession, signIn } from '$lib/server/accounts';
import { setSessionCookie, SIGNED_OUT_COOKIE } from '$lib/server/http/identify';
import { emailParam, field, formCall, safeNext, postedForm } from '$lib/server/forms';

export const load: PageServerLoad = ({ locals, url, cookies }) => {
	if (locals.auth) redirect(303, safeNext(url.searchParams.get('next')));
	// Said once: an admin disabled the account this browser was signed in to (identify.ts).
	const disabled = cookies.get(SIGNED_OUT_COOKIE) === 'disabled';
	if (disabled) cookies.delete(SIGNED_OUT_COOKIE, { path: '/' });
	return { next: url.searchParams.get('next') ?? '', reset: url.searchParams.has('reset'), email: emailParam(url), disabled };
};

export const actions: Actions = {
	default: async ({ request, cookies, url, locals, getClientAddress, setHeaders }) => {
		const form = await postedForm(request);
		if (!form.ok) return form.failure;
		const data = form.data;
		const email = field(data, 'email');
		const signedIn = await formCall(setHeaders, { email }, async (db) => {
			const session = await signIn(db, { email, password: field(data, 'password') }, { ip: getClientAddress(), userAgent: request.headers.get('user-agent') });
			// Signing in again in the same browser replaces the session it had.
			if (locals.auth) await invalidateSession(db.orm, locals.auth.sessionId);
			return session;
		});
		if (!signedIn.ok) {
			// Which of the two is wrong is not said (who has an account stays private): the slip is
			// the password's, where a second try starts.
			const refused = signedIn.failure.data;
			if (refused.code === 'unauthorized') refused.fieldErrors = { password: refused.message };
			return signedIn.failure;
		}
		setSessionCookie(cookies, signedIn.value.token, signedIn.value.expiresAt);
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
