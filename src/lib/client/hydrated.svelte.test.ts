// @vitest-environment browser-state
// Whether a server-rendered page has hydrated: its buttons stay disabled until they can act.
import { describe, expect, it } from 'vitest';
import { hydration } from './hydrated.svelte';
import { mounted } from '../../../tests/helpers/component.svelte';

describe("a page's hydration", () => {
	it('is not done while the page is set up (as when server-rendered), and done once it is mounted', () => {
		let duringSetup: boolean | undefined;
		const page = mounted(() => {
			const hydrated = hydration();
			duringSetup = hydrated.done;
			return hydrated;
		});
		expect([duringSetup, page.value.done]).toEqual([false, true]);
		page.unmount();
	});
});
