// The environment of the unit tests of browser state that need the browser's build of Svelte and of
// the app (effects run, onMount runs, `browser` is true): modules are transformed as for the page.
// It adds no globals: a test stands in the browser APIs it uses (tests/helpers/browser.ts).
import type { Environment } from 'vitest/environments';

export default {
	name: 'browser-state',
	viteEnvironment: 'client',
	setup: () => ({ teardown() {} })
} satisfies Environment;
