// @vitest-environment browser-state
// One answer on a page at a time, and "You are offline" only while it is true.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { Said } from './said.svelte';
import { Saving } from './admin/saving.svelte';
import { OFFLINE_WORDS } from './offline-words';
import { fakeBrowser } from '../../../tests/helpers/browser';

// Svelte's window reactivity (svelte/reactivity/window) reads `window` as it loads; each test then stands in a browser of its own.
vi.hoisted(() => vi.stubGlobal('window', Object.assign(new EventTarget(), { matchMedia: () => Object.assign(new EventTarget(), { matches: false }) })));

const offline = { kind: 'empty', text: OFFLINE_WORDS } as const;

afterEach(() => vi.unstubAllGlobals());

describe('Said', () => {
	it('says one answer on the page: an action started elsewhere silences it', () => {
		fakeBrowser();
		const name = new Said();
		const cap = new Said();
		name.message = { kind: 'ok', text: 'Name saved.' };
		expect(name.message).toEqual({ kind: 'ok', text: 'Name saved.' });
		cap.start();
		expect([name.message, cap.message]).toEqual([null, null]);
		cap.message = { kind: 'empty', text: 'The cap must be a whole number of tokens.' };
		expect(cap.message?.text).toBe('The cap must be a whole number of tokens.');
	});

	it('takes back "You are offline" once the connection is back, on the page as it shows it', () => {
		const browser = fakeBrowser({ online: false });
		const said = new Said();
		const shown: (string | null)[] = [];
		const stop = $effect.root(() => {
			$effect(() => {
				shown.push(said.message?.text ?? null);
			});
		});
		flushSync();
		said.message = offline;
		flushSync();
		expect(said.message).toEqual(offline);
		browser.setOnline(true);
		flushSync();
		expect(said.message).toBeNull();
		expect(shown).toEqual([null, OFFLINE_WORDS, null]);
		stop();
	});

	it('keeps it while the browser thinks itself online (a server that does not answer), and keeps every other answer', () => {
		const browser = fakeBrowser({ online: true });
		const unanswered = new Said();
		unanswered.message = offline;
		browser.setOnline(true);
		expect(unanswered.message).toEqual(offline);
		browser.setOnline(false);
		const refused = new Said();
		refused.message = { kind: 'empty', text: 'Too many attempts. Try again in 12 minutes.' };
		browser.setOnline(true);
		expect(refused.message?.text).toBe('Too many attempts. Try again in 12 minutes.');
	});

	it('is the console forms’ answer too: a save refused offline says so, and not once the connection is back', async () => {
		const browser = fakeBrowser({ online: false });
		const saving = new Saving();
		await saving.run(() => Promise.reject(new TypeError('Failed to fetch')), () => 'Saved.');
		expect(saving.message).toEqual(offline);
		browser.setOnline(true);
		flushSync();
		expect(saving.message).toBeNull();
		// A refusal of the server's, or one said while the browser thought itself online, stays.
		await saving.run(() => Promise.reject(new TypeError('Failed to fetch')), () => 'Saved.');
		browser.setOnline(false);
		browser.setOnline(true);
		expect(saving.message).toEqual(offline);
	});
});
