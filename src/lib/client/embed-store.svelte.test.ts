import { describe, expect, it } from 'vitest';
import { embedStore, takeTicket } from './embed-store.svelte';

const TICKET = 'qs_' + 'a'.repeat(40) + '.' + 'b'.repeat(43);

function tab(hash: string) {
	const stored = new Map<string, string>();
	const replaced: string[] = [];
	const storage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
	const open = (h: string) => takeTicket({ hash: h, pathname: '/embed/store', search: '' }, storage, (url) => replaced.push(url));
	return { first: open(hash), open, replaced };
}

describe('the embedded store’s ticket', () => {
	it('is taken from the fragment, which leaves the address bar at once', () => {
		const t = tab(`#${TICKET}`);
		expect(t.first).toBe(TICKET);
		expect(t.replaced).toEqual(['/embed/store']);
	});

	it('survives a reload of the tab (no fragment any more), and a newer link replaces it', () => {
		const t = tab(`#${TICKET}`);
		expect(t.open('')).toBe(TICKET);
		const newer = TICKET.replace('aaaa', 'cccc');
		expect(t.open(`#${newer}`)).toBe(newer);
		expect(t.open('')).toBe(newer);
	});

	it('is not taken from a fragment that is not one (an embed token, any other text), and without one the page says where to start', () => {
		for (const hash of ['', '#', `#${TICKET.replace('qs_', 'qe_')}`, '#qs_short', `#${TICKET}&x=1`]) {
			const t = tab(hash);
			expect(t.first, hash).toBeNull();
			expect(t.replaced).toEqual([]);
		}
		expect(embedStore(null).refusal).toEqual({ reason: 'missing', message: 'Open this page with the Buy tokens button on the site you came from.' });
	});
});
