import type { Handle } from '@sveltejs/kit';
import { escapeHtml, plainPage, wantsPage } from './plain-page';

/**
 * An address no route answers (a mistyped or stale link), asked for by a browser: a page that says
 * so, names the address and offers the ways on, with its 404, and needs no script. The root
 * +error.svelte answers the same on a navigation inside the app, in fewer words: every page loads it
 * at start.
 */
export const answerNotFound: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (response.status !== 404 || event.route.id !== null || !wantsPage(event)) return response;
	return plainPage({
		status: 404,
		title: 'Page not found · Quota',
		heading: 'Page not found',
		body:
			`<p>There is no page at <code>${escapeHtml(event.url.pathname)}</code>. The address may be mistyped, or the page has moved.</p>` +
			`<p class="actions"><a class="btn primary" href="/dashboard">Open your dashboard</a> <a class="btn" href="/">Quota's start page</a></p>`
	});
};
