/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Precaches the app shell (built assets, static files, prerendered pages) so the app opens offline.
// User data never goes through a cache here: tRPC and /api/ always go to the network, and the
// pages keep their own per-user snapshots in IndexedDB.
import { build, files, prerendered, version } from '$service-worker';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';
import { flushOutbox, SYNC_TAG } from '$lib/client/outbox';

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

// Balances and history are per user and must never be served from a shared cache.
registerRoute(({ url }) => url.origin === self.location.origin && (url.pathname.startsWith('/trpc/') || url.pathname.startsWith('/api/')), new NetworkOnly());

self.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('sync', (event) => {
	const sync = event as SyncEvent;
	if (sync.tag === SYNC_TAG) {
		sync.waitUntil(
			flushOutbox().then((r) => {
				// A rejection makes the browser try again later, with backoff.
				if (r.waiting > 0) throw new Error('writes still waiting');
			})
		);
	}
});
