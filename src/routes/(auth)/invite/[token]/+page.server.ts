import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDb } from '$lib/server/db';
import { acceptInvite, describeInvite } from '$lib/server/accounts';
import { DomainError } from '$lib/server/errors';
import { formFailure } from '$lib/server/forms';

export const load: PageServerLoad = async ({ params, locals }) => {
	const me = locals.auth ? { name: locals.auth.user.name, email: locals.auth.user.email } : null;
	try {
		const invite = await describeInvite(await getDb(), params.token);
		return { found: true as const, me, invite: { teamName: invite.teamName, email: invite.email, role: invite.role, usable: invite.usable } };
	} catch (e) {
		if (e instanceof DomainError && e.code === 'not_found') return { found: false as const, me, message: e.message };
		throw e;
	}
};

export const actions: Actions = {
	default: async ({ params, locals, url, getClientAddress, setHeaders }) => {
		if (!locals.auth) redirect(303, `/signin?next=${encodeURIComponent(url.pathname)}`);
		try {
			await acceptInvite(await getDb(), params.token, locals.auth.user, getClientAddress());
		} catch (e) {
			return formFailure(e, setHeaders);
		}
		redirect(303, '/dashboard');
	}
};
