import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build', precompress: true }),
		// The service worker is built by SvelteKit from src/service-worker.ts (Workbox inside).
		serviceWorker: { register: false },
		version: { pollInterval: 60_000 },
		// The app's own stylesheet (about 4 KB) and each page's go inline: a render-blocking round trip
		// costs a phone more than those bytes in the HTML. Pages with more CSS than this link it.
		inlineStyleThreshold: 8192,
		// The prerendered pages are the signed-in shells, all listed by '*'. Following their links would
		// also request the first-query preloads (tRPC URLs, lib/first-queries.ts) with no database.
		prerender: { crawl: false },
		// Quota checks cross-site requests itself (src/lib/server/http/csrf.ts): SvelteKit's check covers
		// only form content types, for every route alike, and would refuse server-to-server REST calls.
		csrf: { trustedOrigins: ['*'] }
	}
};

export default config;
