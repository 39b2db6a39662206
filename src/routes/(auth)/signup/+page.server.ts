import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { acceptInvite, describeInvite, signUp } from '$lib/server/accounts';
import { DomainError } from '$lib/server/errors';
import { invitation, recordReferral } from '$lib/server/referrals';
import { setSessionCookie } from '$lib/server/http/identify';
import { newcomerAllowances } from '$lib/server/ledger';
import { SIGN_UP_ROLE } from '$lib/roles';
import { pathAfterJoining } from '$lib/team-joined';
import { emailParam, field, formCall, safeNext, withDb, postedForm } from '$lib/server/forms';

/** The referral code of the link the visitor came through (`?ref=`), kept in the form while they fill it in. */
const refOf = (url: URL) => url.searchParams.get('ref')?.slice(0, 32) ?? '';

/** The team invitation the visitor came from: its page sends them here with `next=/invite/<token>`. */
const inviteTokenOf = (url: URL) => /^\/invite\/([A-Za-z0-9_-]{16,128})$/.exec(url.searchParams.get('next') ?? '')?.[1] ?? null;

/** The invitation as the sign-up page names it (a usable one only: a used or withdrawn one is its own page's to explain). */
async function teamInviteOf(url: URL) {
	const token = inviteTokenOf(url);
	if (!token) return null;
	try {
		const invite = await withDb((db) => describeInvite(db, token));
		return invite.usable ? { teamName: invite.teamName, inviterName: invite.inviterName, role: invite.role, email: invite.email } : null;
	} catch (e) {
		if (e instanceof DomainError && e.code === 'not_found') return null;
		throw e;
	}
}

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.auth) redirect(303, safeNext(url.searchParams.get('next')));
	const ref = refOf(url);
	return {
		next: url.searchParams.get('next') ?? '',
		email: emailParam(url),
		ref,
		invitation: ref ? await withDb((db) => invitation(db.orm, ref)) : null,
		teamInvite: await teamInviteOf(url),
		freeStart: await withDb((db) => newcomerAllowances(db.orm, SIGN_UP_ROLE))
	};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress, setHeaders }) => {
		const form = await postedForm(request);
		if (!form.ok) return form.failure;
		const data = form.data;
		const values = { name: field(data, 'name'), email: field(data, 'email') };
		const ref = field(data, 'ref').slice(0, 32);
		const ip = getClientAddress();
		const token = inviteTokenOf(url);
		const signedUp = await formCall(setHeaders, values, (db) =>
			signUp(db, { ...values, password: field(data, 'password') }, { ip, userAgent: request.headers.get('user-agent') }, ref ? (tx, user) => recordReferral(tx, ref, user, ip) : undefined, token)
		);
		if (!signedUp.ok) return signedUp.failure;
		setSessionCookie(cookies, signedUp.value.token, signedUp.value.expiresAt);
		// Came from a team invitation to this address: the new account joins the team now, as the
		// sign-up page said. Otherwise (another address, or the invitation withdrawn meanwhile) the
		// invitation's page, next, says why not.
		if (token) {
			const joined = await formCall(setHeaders, {}, (db) => acceptInvite(db, token, signedUp.value.user, ip));
			if (joined.ok) redirect(303, pathAfterJoining(joined.value));
		}
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
