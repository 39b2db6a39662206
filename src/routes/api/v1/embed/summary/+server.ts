import { json } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { embedView, storeLink } from '$lib/server/embed';
import { embedPreflight, embedRoute } from '$lib/server/rest/embed';
import { embedSummaryBody } from '$lib/server/rest/embed-schemas';

/** GET (embed token): everything the <quota-usage> widget shows of its account. */
export const GET = embedRoute(async ({ db, grant }) => {
	const body = embedSummaryBody(await embedView(db, grant.accountId, grant.viewerId), { storeUrl: storeLink(grant, config().ORIGIN), expiresAt: grant.expiresAt });
	return json(body, { headers: { 'cache-control': 'no-store' } });
});

export const OPTIONS = embedPreflight;
