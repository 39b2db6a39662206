import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDb } from '$lib/server/db';
import { checkResetToken, resetPassword } from '$lib/server/accounts';
import { setSessionCookie } from '$lib/server/http/identify';
import { DomainError } from '$lib/server/errors';
import { field, formFailure } from '$lib/server/forms';

export const load: PageServerLoad = async ({ params }) => {
	try {
		return { valid: true as const, email: (await checkResetToken(await getDb(), params.token)).email };
	} catch (e) {
		if (e instanceof DomainError && e.code === 'not_found') return { valid: false as const, message: e.message };
		throw e;
	}
};

export const actions: Actions = {
	default: async ({ request, params, cookies, getClientAddress, setHeaders }) => {
		let session;
		try {
			const password = field(await request.formData(), 'password');
			session = await resetPassword(await getDb(), { token: params.token, password }, { ip: getClientAddress(), userAgent: request.headers.get('user-agent') });
		} catch (e) {
			return formFailure(e, setHeaders);
		}
		setSessionCookie(cookies, session.token, session.expiresAt);
		redirect(303, '/dashboard');
	}
};
