import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { signOut, signOutEverywhere } from '$lib/server/accounts';
import { clearSessionCookie } from '$lib/server/http/identify';

/**
 * Sign-out is a POST (a form button), never a link. `scope=everywhere` ends every session of
 * the user. The response tells the browser to drop this site's storage (DESIGN: PWA and offline).
 */
export const POST: RequestHandler = async ({ request, locals, cookies, getClientAddress }) => {
	if (locals.auth) {
		const db = await getDb();
		const everywhere = (await request.formData().catch(() => null))?.get('scope') === 'everywhere';
		const meta = { ip: getClientAddress() };
		if (everywhere) await signOutEverywhere(db, locals.auth.user.id, meta);
		else await signOut(db, locals.auth, meta);
	}
	clearSessionCookie(cookies);
	// A Response rather than redirect(): SvelteKit drops setHeaders() headers on thrown redirects.
	return new Response(null, { status: 303, headers: { location: '/signin', 'clear-site-data': '"storage"', 'cache-control': 'no-store' } });
};
