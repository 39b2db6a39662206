import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDb } from '$lib/server/db';
import { signUp } from '$lib/server/accounts';
import { invitation, recordReferral } from '$lib/server/referrals';
import { setSessionCookie } from '$lib/server/http/identify';
import { field, formFailure, safeNext } from '$lib/server/forms';

/** The referral code of the link the visitor came through (`?ref=`), kept in the form while they fill it in. */
const refOf = (url: URL) => url.searchParams.get('ref')?.slice(0, 32) ?? '';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.auth) redirect(303, safeNext(url.searchParams.get('next')));
	const ref = refOf(url);
	return {
		next: url.searchParams.get('next') ?? '',
		email: url.searchParams.get('email')?.slice(0, 254) ?? '',
		ref,
		invitation: ref ? await invitation((await getDb()).orm, ref) : null
	};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress, setHeaders }) => {
		const data = await request.formData();
		const values = { name: field(data, 'name'), email: field(data, 'email') };
		const ref = field(data, 'ref').slice(0, 32);
		const ip = getClientAddress();
		let session;
		try {
			session = await signUp(
				await getDb(),
				{ ...values, password: field(data, 'password') },
				{ ip, userAgent: request.headers.get('user-agent') },
				ref ? (tx, user) => recordReferral(tx, ref, user, ip) : undefined
			);
		} catch (e) {
			return formFailure(e, setHeaders, values);
		}
		setSessionCookie(cookies, session.token, session.expiresAt);
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
