import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { signUp } from '$lib/server/accounts';
import { invitation, recordReferral } from '$lib/server/referrals';
import { setSessionCookie } from '$lib/server/http/identify';
import { newcomerAllowances } from '$lib/server/ledger';
import { SIGN_UP_ROLE } from '$lib/roles';
import { emailParam, field, formCall, safeNext, withDb } from '$lib/server/forms';

/** The referral code of the link the visitor came through (`?ref=`), kept in the form while they fill it in. */
const refOf = (url: URL) => url.searchParams.get('ref')?.slice(0, 32) ?? '';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.auth) redirect(303, safeNext(url.searchParams.get('next')));
	const ref = refOf(url);
	return {
		next: url.searchParams.get('next') ?? '',
		email: emailParam(url),
		ref,
		invitation: ref ? await withDb((db) => invitation(db.orm, ref)) : null,
		freeStart: await withDb((db) => newcomerAllowances(db.orm, SIGN_UP_ROLE))
	};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress, setHeaders }) => {
		const data = await request.formData();
		const values = { name: field(data, 'name'), email: field(data, 'email') };
		const ref = field(data, 'ref').slice(0, 32);
		const ip = getClientAddress();
		const signedUp = await formCall(setHeaders, values, (db) =>
			signUp(db, { ...values, password: field(data, 'password') }, { ip, userAgent: request.headers.get('user-agent') }, ref ? (tx, user) => recordReferral(tx, ref, user, ip) : undefined)
		);
		if (!signedUp.ok) return signedUp.failure;
		setSessionCookie(cookies, signedUp.value.token, signedUp.value.expiresAt);
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
