import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { defaultClientConditions, minify, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const helper = (file: string) => fileURLToPath(new URL(`tests/helpers/${file}`, import.meta.url));

const integration = (backend: 'pglite' | 'postgres') => ({
	extends: true as const,
	test: {
		name: `integration-${backend}`,
		include: ['tests/integration/**/*.test.ts'],
		env: { QUOTA_TEST_BACKEND: backend },
		globalSetup: ['tests/helpers/template-db.ts'],
		setupFiles: ['tests/helpers/integration-env.ts'],
		// The files of a worker share its process: the app's modules are imported once, not once per
		// file, and PGlite compiles its WebAssembly once per worker (its own module cache): 38 % less
		// CPU on 16 PGlite files (vitest's import time 61 s → 21 s). Each file still opens its own database (helpers/db.ts), and
		// the app keeps per-process state per database (WeakMaps keyed by the Db).
		isolate: false
	}
});

/**
 * `import text from '…/widget/quota-usage.js?served'`: the widget's script as host pages get it
 * (routes/embed/quota-usage.js), minified by Vite's own minifier (Oxc). Its comments and long names are
 * for the people who work on it, not for every host page's download: 8,225 B gzipped as written, 6,351 B
 * minified. It is one IIFE, so renaming inside it changes nothing a host page sees.
 */
function widgetServed(): Plugin {
	return {
		name: 'quota-widget-served',
		async load(id) {
			if (!id.endsWith('?served')) return null;
			const file = id.slice(0, -'?served'.length);
			this.addWatchFile(file);
			const { code, errors } = await minify(file, readFileSync(file, 'utf8'), { compress: true, mangle: true });
			if (errors.length) this.error(`${file}: ${errors.map((e) => e.message).join('; ')}`);
			return `export default ${JSON.stringify(code)};`;
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), widgetServed()],
	server: { port: 3000 },
	environments: {
		client: {
			build: {
				// A lazy import does not also preload the scripts it imports: the browser asks for them when the
				// part arrives (the service worker has them all once installed), and every page's start no longer
				// carries the list of every page's and part's scripts (the start's entry named ~300 files: 2.8
				// KB gzipped where it was 4.0, and it grew with each page). A part's stylesheets still come with it.
				modulePreload: { resolveDependencies: () => [] },
				rolldownOptions: {
					output: {
						// Few files for the browser: a phone on HTTP/1.1 fetches six at a time, so two dozen small
						// shared chunks cost round trips. Every page runs Svelte and SvelteKit: two files of ~14 KB
						// that download side by side (one 30 KB file got a sixth of the line and came last).
						// What the signed-in pages share (tRPC, the device store, components) is one more; the
						// sign-in forms' parts another, so the sign-in pages load none of the signed-in app.
						codeSplitting: {
							groups: [
								{ name: 'svelte', test: /node_modules[\\/](svelte|clsx|esm-env)[\\/]/, priority: 4 },
								// Not $app/forms, though: only pages with form actions use it (sign-in, the store, settings); in this
								// chunk it cost the dashboard's start about 500 B.
								{ name: 'kit', test: /node_modules[\\/](@sveltejs[\\/]kit[\\/](?!src[\\/]runtime[\\/]app[\\/]forms\.js)|devalue[\\/])|vite[\\/]preload-helper/, priority: 3 },
								// What the sign-in forms share with the app's other forms (the slip's focus and scroll, the account
								// fields' rules) is a file of its own: else a console page with one slip, or the team's invite,
								// loads the sign-in forms too. The forms' one answer at a time (said.svelte.ts) goes with them: a
								// chunk of its own would add its name to every page's preload list in the start's entry.
								{ name: 'form-rules', test: /src[\\/]lib[\\/](client[\\/](slip\.ts|said\.svelte\.ts)|account-fields\.ts)/, minShareCount: 2, priority: 3 },
								{ name: 'forms', test: /src[\\/]lib[\\/](components[\\/](AuthForm|EmailField|NameField|PasswordField)\.svelte|client[\\/](hydrated\.svelte|auth-slips)\.ts)/, minShareCount: 2, priority: 2 },
								// Only the signed-in shell's parts (the layout's and the dashboard's, named here, with the balance figures' meaning) and the client
								// state go in it; other pages' shared components and the console's client modules are split by
								// the pages that use them, so the dashboard's start never pays for screens it does not show (the
								// checkout's parts, shared by the member store and the embedded store, among them).
								{
									name: 'shared',
									test: /src[\\/]lib[\\/](balance-figures\.ts|client[\\/](?!admin[\\/]|statement-lines|unfold|push|pages|topup|paid-by|refusal-text|slip|field-error|amount|saved-copy|level|zone-choices|site-zone|outbox-save|profile\.svelte|own-caps|subscription-status|checkout|purchase\.svelte|purchase-status|offers\.ts)|components[\\/](AccountPicker|AccountView|AppNotices|Freshness|Icon|Meter|Nav|PageHeader|PullToRefresh|RefreshButton|Sparkline|StatCard)\.svelte)|node_modules[\\/](@trpc|trpc-sveltekit|idb)[\\/]/,
									minShareCount: 2,
									priority: 1
								}
							]
						}
					}
				}
			}
		}
	},
	test: {
		environment: 'node',
		pool: 'forks',
		// Vitest's default on two cores is one file at a time; an integration file spends most of its time
		// waiting on the database (commits, locks, leases), so three at a time keep both cores busy.
		maxWorkers: 3,
		testTimeout: 60_000,
		hookTimeout: 120_000,
		projects: [
			// Browser state in `*.svelte.ts` is tested beside it (`*.svelte.test.ts`, compiled with runes).
			// A worker runs its unit files in one process, importing what they share once (as the integration
			// projects do): CPU 62 s → 25 s for the 41 files. No file keeps state for another; the one that sets
			// the environment (accounts-secrets) imports its modules afresh.
			// A file headed `// @vitest-environment browser-state` runs as the browser's build (effects, onMount:
			// tests/helpers/browser-state-environment.ts); there a navigation is recorded, not made (no router
			// runs in a test). IndexedDB is fake-indexeddb's (tests/helpers/browser.ts).
			{
				extends: true,
				resolve: { conditions: [...defaultClientConditions] },
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts', 'src/**/*.svelte.test.ts'],
					setupFiles: [helper('unit-setup.ts')],
					isolate: false,
					alias: {
						'vitest-environment-browser-state': helper('browser-state-environment.ts'),
						'$app/navigation': helper('app-navigation.ts')
					}
				}
			},
			integration('pglite'),
			// The same integration tests on a real server when one is given (always in CI).
			...(process.env.TEST_DATABASE_URL ? [integration('postgres')] : [])
		]
	}
});
