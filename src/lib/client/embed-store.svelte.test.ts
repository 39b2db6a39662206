import { describe, expect, it } from 'vitest';
import { embedStore, refusalHeading, refusalOf, takeTicket } from './embed-store.svelte';
import { NOT_MEMBER } from '../embed-words';

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

describe('the embedded store’s refusal', () => {
	const notMember = { error: 'unauthorized', message: 'This store link no longer works: you are no longer in the team.', details: { reason: 'not_member' } };

	it('for a member who has left the team says that, in the widget’s words, not a general refusal', () => {
		const r = refusalOf(401, notMember);
		expect(r).toEqual({ reason: 'not_member', message: notMember.message });
		expect(refusalHeading(r.reason)).toBe(NOT_MEMBER);
		expect(NOT_MEMBER).toBe('This member is no longer in the team.');
	});

	it('heads an expired, withdrawn or broken link as one nothing can be bought from, and any other answer as a store that could not be opened', () => {
		for (const reason of ['invalid', 'expired', 'revoked'] as const) {
			expect(refusalOf(401, { message: 'm', details: { reason } }).reason).toBe(reason);
			expect(refusalHeading(reason)).toBe('Nothing can be bought from this link');
		}
		expect(refusalHeading('missing')).toBe('Nothing can be bought from this link');
		// A reason only a 401 gives; an unknown one, or no body, is "other".
		expect(refusalOf(409, notMember).reason).toBe('other');
		expect(refusalOf(401, { message: 'm', details: { reason: 'later' } }).reason).toBe('other');
		expect(refusalOf(500, null)).toEqual({ reason: 'other', message: 'Something went wrong; try again.' });
		expect(refusalHeading('other')).toBe('The store could not be opened');
	});
});
