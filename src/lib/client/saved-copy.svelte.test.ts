// @vitest-environment browser-state
// Figures a page asks for that another page saved inside its own answer (the dashboard's copy holds
// the account's summary): offline, the newer of the two copies shows, with its age.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { live } from './live.svelte';
import { withSavedCopy } from './saved-copy.svelte';
import { session } from './session.svelte';
import { wipeDevice, writeSnapshot } from './storage';
import { fakeBrowser } from '../../../tests/helpers/browser';
import { mounted } from '../../../tests/helpers/component.svelte';

const ada = { id: 'u-ada', name: 'Ada' };
type Summary = { available: number };
type Overview = { summary: Summary; purchases: unknown[] };

let unmount = () => {};
beforeEach(async () => {
	fakeBrowser();
	await wipeDevice();
	session.user = ada;
});
afterEach(() => {
	unmount();
	unmount = () => {};
	vi.unstubAllGlobals();
});

/** The playground's "Available": its own query for `account()`, the dashboard's copy besides; `ask` is the server. */
function available(ask: () => Promise<Summary>, account: () => string = () => 'a') {
	const m = mounted(() =>
		withSavedCopy(
			live(() => `summary:${account()}`, ask),
			() => `dashboard:${account()}`,
			(saved: Overview) => saved.summary
		)
	);
	unmount = m.unmount;
	return m.value;
}
const offline = () => Promise.reject(new TypeError('Failed to fetch'));

describe("another page's saved copy", () => {
	it("shows offline when this page has none, with the copy's age; nothing is 'unavailable'", async () => {
		await writeSnapshot(ada.id, 'dashboard:a', { summary: { available: 40 }, purchases: [] }, 2_000);
		const shown = available(offline);
		await vi.waitFor(() => expect([shown.data, shown.updatedAt, shown.status]).toEqual([{ available: 40 }, 2_000, 'offline']));
		expect(shown.unavailable).toBe(false);
	});

	it("is the newer of the two: this page's own copy when it is newer, the other's when it is", async () => {
		await writeSnapshot(ada.id, 'summary:a', { available: 50 }, 3_000);
		await writeSnapshot(ada.id, 'dashboard:a', { summary: { available: 40 }, purchases: [] }, 2_000);
		const own = available(offline);
		await vi.waitFor(() => expect([own.data, own.updatedAt, own.status]).toEqual([{ available: 50 }, 3_000, 'offline']));
		unmount();
		await writeSnapshot(ada.id, 'dashboard:a', { summary: { available: 45 }, purchases: [] }, 4_000);
		const other = available(offline);
		await vi.waitFor(() => expect([other.data, other.updatedAt]).toEqual([{ available: 45 }, 4_000]));
	});

	it("gives way to the server's answer", async () => {
		await writeSnapshot(ada.id, 'dashboard:a', { summary: { available: 40 }, purchases: [] }, 2_000);
		const shown = available(async () => ({ available: 38 }));
		await vi.waitFor(() => expect([shown.data, shown.status]).toEqual([{ available: 38 }, 'fresh']));
		expect(shown.updatedAt).toBeGreaterThan(2_000);
	});

	it('is unavailable only once neither page has a copy, and follows the account shown', async () => {
		await writeSnapshot(ada.id, 'dashboard:b', { summary: { available: 70 }, purchases: [] }, 2_000);
		let account = $state('a');
		const shown = available(offline, () => account);
		await vi.waitFor(() => expect(shown.unavailable).toBe(true));
		expect([shown.data, shown.status]).toEqual([undefined, 'offline']);
		account = 'b';
		flushSync();
		await vi.waitFor(() => expect([shown.data, shown.unavailable]).toEqual([{ available: 70 }, false]));
	});
});
