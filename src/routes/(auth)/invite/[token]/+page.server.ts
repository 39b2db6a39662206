import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { acceptInvite, describeInvite } from '$lib/server/accounts';
import { DomainError } from '$lib/server/errors';
import { pathAfterJoining } from '$lib/team-joined';
import { formCall, withDb } from '$lib/server/forms';

export const load: PageServerLoad = async ({ params, locals }) => {
	const me = locals.auth ? { name: locals.auth.user.name, email: locals.auth.user.email } : null;
	try {
		const invite = await withDb((db) => describeInvite(db, params.token));
		return { found: true as const, me, invite: { teamName: invite.teamName, inviterName: invite.inviterName, email: invite.email, role: invite.role, usable: invite.usable, withdrawn: invite.revokedAt !== null } };
	} catch (e) {
		if (e instanceof DomainError && e.code === 'not_found') return { found: false as const, me, message: e.message };
		throw e;
	}
};

export const actions: Actions = {
	default: async ({ params, locals, url, getClientAddress, setHeaders }) => {
		if (!locals.auth) redirect(303, `/signin?next=${encodeURIComponent(url.pathname)}`);
		const auth = locals.auth;
		const joined = await formCall(setHeaders, {}, (db) => acceptInvite(db, params.token, auth.user, getClientAddress()));
		if (!joined.ok) return joined.failure;
		redirect(303, pathAfterJoining(joined.value));
	}
};
