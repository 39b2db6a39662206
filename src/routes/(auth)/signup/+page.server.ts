import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDb } from '$lib/server/db';
import { signUp } from '$lib/server/accounts';
import { setSessionCookie } from '$lib/server/http/identify';
import { field, formFailure, safeNext } from '$lib/server/forms';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.auth) redirect(303, safeNext(url.searchParams.get('next')));
	return { next: url.searchParams.get('next') ?? '', email: url.searchParams.get('email')?.slice(0, 254) ?? '' };
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress, setHeaders }) => {
		const data = await request.formData();
		const values = { name: field(data, 'name'), email: field(data, 'email') };
		let session;
		try {
			session = await signUp(await getDb(), { ...values, password: field(data, 'password') }, { ip: getClientAddress(), userAgent: request.headers.get('user-agent') });
		} catch (e) {
			return formFailure(e, setHeaders, values);
		}
		setSessionCookie(cookies, session.token, session.expiresAt);
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
