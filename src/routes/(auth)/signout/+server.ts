import type { RequestHandler } from './$types';
import { signOut, signOutEverywhere } from '$lib/server/accounts';
import { clearSessionCookie } from '$lib/server/http/identify';
import { field, safeNext, withDb } from '$lib/server/forms';

/**
 * Sign-out is a POST (a form button), never a link. `scope=everywhere` ends every session of
 * the user. With `next` (a path of this site) and `email`, the sign-in page it leads to fills in that
 * address and comes back to `next`: to accept an invitation sent to another address. The response
 * tells the browser to drop this site's storage (DESIGN: PWA and offline).
 */
export const POST: RequestHandler = async ({ request, locals, cookies, getClientAddress }) => {
	const auth = locals.auth;
	const form = await request.formData().catch(() => new FormData());
	const next = field(form, 'next') ? safeNext(field(form, 'next')) : null;
	if (auth) {
		const everywhere = field(form, 'scope') === 'everywhere';
		const meta = { ip: getClientAddress() };
		await withDb(async (db) => {
			if (everywhere) await signOutEverywhere(db, auth.user.id, meta);
			else await signOut(db, auth, meta);
		});
	}
	clearSessionCookie(cookies);
	// A Response rather than redirect(): SvelteKit drops setHeaders() headers on thrown redirects.
	return new Response(null, { status: 303, headers: { location: next ? `/signin?${new URLSearchParams({ next, email: field(form, 'email') })}` : '/signin', 'clear-site-data': '"storage"', 'cache-control': 'no-store' } });
};
