import type { RequestHandler } from './$types';
import { signOut, signOutEverywhere } from '$lib/server/accounts';
import { clearSessionCookie } from '$lib/server/http/identify';
import { withDb } from '$lib/server/forms';

/**
 * Sign-out is a POST (a form button), never a link. `scope=everywhere` ends every session of
 * the user. The response tells the browser to drop this site's storage (DESIGN: PWA and offline).
 */
export const POST: RequestHandler = async ({ request, locals, cookies, getClientAddress }) => {
	const auth = locals.auth;
	if (auth) {
		const everywhere = (await request.formData().catch(() => null))?.get('scope') === 'everywhere';
		const meta = { ip: getClientAddress() };
		await withDb(async (db) => {
			if (everywhere) await signOutEverywhere(db, auth.user.id, meta);
			else await signOut(db, auth, meta);
		});
	}
	clearSessionCookie(cookies);
	// A Response rather than redirect(): SvelteKit drops setHeaders() headers on thrown redirects.
	return new Response(null, { status: 303, headers: { location: '/signin', 'clear-site-data': '"storage"', 'cache-control': 'no-store' } });
};
