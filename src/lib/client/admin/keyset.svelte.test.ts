// A server list read a page at a time by keyset cursor, as the admin pages show it (users, audit
// log, payments, an account's statement): "Load more" appends, a new query starts over.
import { describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { KeysetList } from './keyset.svelte';

interface Page {
	rows: number[];
	nextCursor: string | null;
	guests?: string[];
}
const pages: Record<string, Page> = {
	'a:': { rows: [1, 2], nextCursor: 'c1', guests: ['g@example.com'] },
	'a:c1': { rows: [3], nextCursor: null },
	'b:': { rows: [9], nextCursor: null }
};

/** A server that answers each request when the test says (`answer(i)`), or fails it. */
function slowServer() {
	const waiting: { key: string; resolve: (p: Page) => void; reject: (e: unknown) => void }[] = [];
	const fetchPage = (q: string, cursor: string | null) => new Promise<Page>((resolve, reject) => waiting.push({ key: `${q}:${cursor ?? ''}`, resolve, reject }));
	return { fetchPage, waiting, answer: (i: number) => waiting[i]!.resolve(pages[waiting[i]!.key]!) };
}

describe('a keyset list', () => {
	it('appends the next page by cursor and starts over when the query changes; the first answer rides along', async () => {
		const asked: string[] = [];
		const list = new KeysetList<number, string, Page>(async (q, cursor) => {
			asked.push(`${q}:${cursor ?? ''}`);
			return pages[`${q}:${cursor ?? ''}`]!;
		});
		await list.load('a');
		expect([list.rows, list.more, list.status, list.first?.guests]).toEqual([[1, 2], true, 'ready', ['g@example.com']]);
		await list.loadMore();
		expect([list.rows, list.more, list.first?.guests]).toEqual([[1, 2, 3], false, ['g@example.com']]);
		await list.loadMore(); // nothing more to ask for
		await list.load('b');
		expect([list.rows, list.first?.guests]).toEqual([[9], undefined]);
		expect(asked).toEqual(['a:', 'a:c1', 'b:']);
	});

	it('asks for a page once however often "Load more" is pressed while it loads', async () => {
		const s = slowServer();
		const list = new KeysetList<number, string, Page>(s.fetchPage);
		const first = list.load('a');
		s.answer(0);
		await first;
		const more = list.loadMore();
		expect(list.loading).toBe(true);
		await list.loadMore();
		s.answer(1);
		await more;
		expect([s.waiting.length, list.rows]).toEqual([2, [1, 2, 3]]);
	});

	it('drops an answer for an older query, or a page of it, that arrives after a newer query', async () => {
		const s = slowServer();
		const list = new KeysetList<number, string, Page>(s.fetchPage);
		const a = list.load('a');
		const b = list.load('b');
		s.answer(1);
		await b;
		s.answer(0);
		await a;
		expect([list.rows, list.more]).toEqual([[9], false]);
	});

	it('names the query its rows answer, not the newer one still loading, so "3 matching a" is never said of b', async () => {
		const s = slowServer();
		const list = new KeysetList<number, string, Page>(s.fetchPage);
		expect(list.answered).toBe(null);
		const a = list.load('a');
		s.answer(0);
		await a;
		const b = list.load('b');
		expect([list.answered, list.rows]).toEqual(['a', [1, 2]]);
		s.answer(1);
		await b;
		expect([list.answered, list.rows]).toEqual(['b', [9]]);
	});

	it('says why a page could not load and keeps the rows, and "Load more" asks for the same page again', async () => {
		let online = true;
		const asked: (string | null)[] = [];
		const list = new KeysetList<number, string, Page>(async (q, cursor) => {
			asked.push(cursor);
			if (!online) throw new TypeError('Failed to fetch');
			return pages[`${q}:${cursor ?? ''}`]!;
		});
		await list.load('a');
		online = false;
		await list.loadMore();
		expect([list.status, list.error, list.rows, list.more]).toEqual(['offline', 'You are offline. Try again when you have a connection.', [1, 2], true]);
		online = true;
		await list.loadMore();
		expect([list.status, list.error, list.rows, asked]).toEqual(['ready', null, [1, 2, 3], [null, 'c1', 'c1']]);
	});

	it('shows no rows of the query before when a new one fails: they would read as its matches', async () => {
		const list = new KeysetList<number, string, Page>(async (q, cursor) => {
			if (q === 'b') throw new Error('Account must be text of at most 200 characters.');
			return pages[`${q}:${cursor ?? ''}`]!;
		});
		await list.load('a');
		await list.load('b');
		expect([list.status, list.error, list.rows, list.first, list.more, list.answered]).toEqual(['error', 'Account must be text of at most 200 characters.', [], null, false, null]);
	});

	it("gives the server's reason when it refused", async () => {
		const list = new KeysetList<number, string>(async () => {
			throw new Error('Only site admins can do this.');
		});
		await list.load('x');
		expect([list.status, list.error]).toEqual(['error', 'Only site admins can do this.']);
	});

	it('says when the query names nothing that exists, so the page offers no retry (the same answer would come)', async () => {
		const message = 'No account has the id 0b6f…. Check the link, or show every account’s payments.';
		const list = new KeysetList<number, string>(async () => {
			throw new TRPCClientError(message, { result: { error: { message, code: -32004, data: { code: 'NOT_FOUND', domainCode: 'not_found' } } } } as never);
		});
		await list.load('x');
		expect([list.status, list.error]).toEqual(['not_found', message]);
	});

	it('changes an edited row in place, in the order the server gave', async () => {
		const list = new KeysetList<number, string, Page>(async () => pages['a:']!);
		await list.load('a');
		list.update((n) => n === 1, (n) => n * 10);
		expect(list.rows).toEqual([10, 2]);
	});
});
