/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Precaches the app shell (built assets, static files, prerendered pages) so the app opens offline.
// User data never goes through it: tRPC and /api/ requests are not handled here at all (they go
// straight to the network; the pages keep their own per-user snapshots in IndexedDB). Handling
// them would also let the open live stream (/api/v1/stream) hold an old worker in place, so a new
// version could never take over.
import { build, files, prerendered, version } from '$service-worker';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute, setCatchHandler } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';
import { flushedReport, flushOutbox } from '$lib/client/outbox';
import { SYNC_TAG } from '$lib/client/storage';
import { messageOf, openFromNotification, showMessage } from '$lib/client/push-handlers';

declare const self: ServiceWorkerGlobalScope;

interface SyncEvent extends ExtendableEvent {
	readonly tag: string;
}

const immutable = (url: string) => url.includes('/_app/immutable/');

precacheAndRoute(
	[
		...build.map((url) => ({ url, revision: immutable(url) ? null : version })),
		...files.map((url) => ({ url, revision: version })),
		...prerendered.map((url) => ({ url, revision: version }))
	],
	// `/usage?feature=chat` opens the same shell as `/usage`.
	{ ignoreURLParametersMatching: [/.*/] }
);
cleanupOutdatedCaches();

// A page the app has no shell of (the public /developers guide, a sign-in link) goes to the network as
// before; offline, it answers with a page that says so in the app's words, not the browser's own error
// page. Downloads and the API are not navigations this worker takes (see the top).
registerRoute(new NavigationRoute(new NetworkOnly(), { denylist: [/^\/api\//, /^\/admin\/exports\//] }));
setCatchHandler(async ({ request }) => (request.mode === 'navigate' ? offlinePage() : Response.error()));

/**
 * What a page not kept on this device answers offline: what happened, and the way to what the device does keep.
 * Styled inline (the app's stylesheet has a hashed name): its link is app.css' `.btn`, in `--brand`.
 */
function offlinePage(): Response {
	const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>Offline · Quota</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem 1rem;max-width:36rem;margin-inline:auto}h1{font-size:1.4rem;margin:0 0 .5rem}a{display:inline-flex;align-items:center;min-height:44px;margin-top:1rem;padding:0 1.1rem;border-radius:999px;background:#3b3fd8;color:#fff;text-decoration:none;font-weight:600}</style></head>
<body><main><h1>You are offline</h1><p>This page is not kept on this device, so it opens once you are back online. The app's pages you have opened show what they last saved.</p><a href="/dashboard">Open the dashboard</a></main></body></html>`;
	return new Response(html, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

self.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('sync', (event) => {
	const sync = event as SyncEvent;
	if (sync.tag === SYNC_TAG) {
		sync.waitUntil(
			flushOutbox().then(async (r) => {
				if (r.sent || r.rejected.length) {
					const done = flushedReport(r);
					for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage(done);
				}
				// A rejection makes the browser try again later, with backoff.
				if (r.waiting > 0) throw new Error('writes still waiting');
			})
		);
	}
});

// Web Push: a balance alert (alerts/push/send.ts) shown as a notification; a tap opens the app there.
self.addEventListener('push', (event) => event.waitUntil(showMessage(self.registration, messageOf(event.data))));

self.addEventListener('notificationclick', (event) => {
	event.notification.close();
	event.waitUntil(openFromNotification(self.clients, self.location.origin, event.notification.data));
});
