import { describe, expect, it } from 'vitest';
import { queryFromUrl, urlWithQuery } from './url-query';

const defaults = { search: '', sort: 'name', dir: 'asc' };
const choices = { sort: ['name', 'balance'], dir: ['asc', 'desc'] };

describe('an admin list’s filters in its URL', () => {
	it('reads what the URL names, the default for the rest and for a value that is not a choice', () => {
		expect(queryFromUrl(new URL('https://q.test/admin/users?search=ada&sort=balance'), defaults, choices)).toEqual({ search: 'ada', sort: 'balance', dir: 'asc' });
		expect(queryFromUrl(new URL('https://q.test/admin/users?sort=nonsense&dir=desc'), defaults, choices)).toEqual({ search: '', sort: 'name', dir: 'desc' });
	});

	it('writes only what differs from the defaults, keeps other parameters, and says when nothing changes', () => {
		const url = new URL('https://q.test/admin/users?x=1');
		const next = urlWithQuery(url, { search: 'Ada Lovelace', sort: 'name', dir: 'desc' }, defaults)!;
		expect(next.search).toBe('?x=1&search=Ada+Lovelace&dir=desc');
		expect(queryFromUrl(next, defaults, choices)).toEqual({ search: 'Ada Lovelace', sort: 'name', dir: 'desc' });
		expect(urlWithQuery(next, { search: 'Ada Lovelace', sort: 'name', dir: 'desc' }, defaults)).toBeNull();
		expect(urlWithQuery(next, defaults, defaults)!.search).toBe('?x=1');
	});

	it('takes ?q= as the search (as many admin tools and newcomers type it), and writes it back as ?search=, the canonical name', () => {
		const typed = new URL('https://q.test/admin/users?q=ada%40example.com&sort=balance');
		const q = queryFromUrl(typed, defaults, choices);
		expect(q).toEqual({ search: 'ada@example.com', sort: 'balance', dir: 'asc' });
		expect(urlWithQuery(typed, q, defaults)!.search).toBe('?sort=balance&search=ada%40example.com');
		// Both named: the canonical one wins, and the alias goes from the address.
		const both = new URL('https://q.test/admin/users?q=leo&search=ada');
		expect(queryFromUrl(both, defaults, choices).search).toBe('ada');
		expect(urlWithQuery(both, queryFromUrl(both, defaults, choices), defaults)!.search).toBe('?search=ada');
		// An empty ?q= searches nothing, and leaves the address.
		expect(urlWithQuery(new URL('https://q.test/admin/users?q='), defaults, defaults)!.search).toBe('');
		// A list with no search keeps a q= it does not read.
		expect(urlWithQuery(new URL('https://q.test/admin/jobs?q=1'), { sort: 'name' }, { sort: 'name' })).toBeNull();
	});
});
