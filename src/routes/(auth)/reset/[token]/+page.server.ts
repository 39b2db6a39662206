import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { checkResetToken, resetPassword } from '$lib/server/accounts';
import { setSessionCookie } from '$lib/server/http/identify';
import { DomainError } from '$lib/server/errors';
import { field, formCall, withDb, postedForm } from '$lib/server/forms';

export const load: PageServerLoad = async ({ params }) => {
	try {
		return { valid: true as const, email: (await withDb((db) => checkResetToken(db, params.token))).email };
	} catch (e) {
		if (e instanceof DomainError && e.code === 'not_found') return { valid: false as const, message: e.message };
		throw e;
	}
};

export const actions: Actions = {
	default: async ({ request, params, cookies, getClientAddress, setHeaders }) => {
		const form = await postedForm(request);
		if (!form.ok) return form.failure;
		const password = field(form.data, 'password');
		const reset = await formCall(setHeaders, {}, (db) => resetPassword(db, { token: params.token, password }, { ip: getClientAddress(), userAgent: request.headers.get('user-agent') }));
		if (!reset.ok) return reset.failure;
		setSessionCookie(cookies, reset.value.token, reset.value.expiresAt);
		redirect(303, '/dashboard');
	}
};
