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
