import { describe, expect, it } from 'vitest';
import { keepOlder, moreLoader, type Paged } from './pages.svelte';
import type { Live } from './live.svelte';

interface Row {
	id: string;
	at: string;
}
type Page = Paged<Row>;

const row = (n: number): Row => ({ id: `r${n}`, at: `2026-11-${String(30 - n).padStart(2, '0')}` });
const page = (ns: number[], nextCursor: string | null, accountId = 'a'): Page => ({ accountId, rows: ns.map(row), nextCursor });

/** A list as a page holds it: its data, the key it belongs to, and `set` as the page's live data does. */
function listOf(data: Page, key = 'a') {
	const list = {
		data: data as Page | undefined,
		key: key as string | null,
		set(next: Page) {
			list.data = next;
		}
	};
	return list as typeof list & Live<Page>;
}

describe('keepOlder: a refreshed first page keeps the older pages loaded below it', () => {
	it('appends the loaded rows older than the fresh page, once, with the loaded cursor', () => {
		const loaded = page([1, 2, 3, 4], 'c4');
		const fresh = page([0, 1], 'c1');
		expect(keepOlder(fresh, loaded, 2, (r) => r.at)).toEqual({ accountId: 'a', rows: [0, 1, 2, 3, 4].map(row), nextCursor: 'c4' });
	});

	it('keeps only the fresh page when nothing older was loaded, or the loaded rows are another account’s', () => {
		const fresh = page([0, 1], 'c1');
		expect(keepOlder(fresh, page([1, 2], 'c2'), 2, (r) => r.at)).toBe(fresh);
		expect(keepOlder(fresh, page([5, 6, 7], 'c7', 'b'), 2, (r) => r.at)).toBe(fresh);
		expect(keepOlder(fresh, undefined, 2, (r) => r.at)).toBe(fresh);
	});
});

describe('moreLoader: "Load more" under a keyset list', () => {
	it('appends the page after the cursor and says whether another follows', async () => {
		const list = listOf(page([1, 2], 'c2'));
		const asked: string[] = [];
		const more = moreLoader(list, async (_current, cursor) => (asked.push(cursor), page([3], null)));
		expect(more.more).toBe(true);
		const loading = more.loadMore();
		expect(more.loading).toBe(true);
		await loading;
		expect([asked, list.data!.rows.map((r) => r.id), more.more, more.loading, more.error]).toEqual([['c2'], ['r1', 'r2', 'r3'], false, false, null]);
	});

	it('drops a page that arrives after the list moved to another account', async () => {
		const list = listOf(page([1], 'c1'));
		const more = moreLoader(list, async () => {
			list.key = 'b';
			return page([2], null);
		});
		await more.loadMore();
		expect(list.data!.rows.map((r) => r.id)).toEqual(['r1']);
	});

	it('says why a page could not load, and keeps the rows and the cursor for a retry', async () => {
		const list = listOf(page([1], 'c1'));
		let fail = true;
		const more = moreLoader(list, async () => {
			if (fail) throw new TypeError('Failed to fetch');
			return page([2], null);
		});
		await more.loadMore();
		expect([more.error, more.more, list.data!.rows.length]).toEqual(['You are offline. Try again when you have a connection.', true, 1]);
		fail = false;
		await more.loadMore();
		expect([more.error, list.data!.rows.length]).toEqual([null, 2]);
	});
});
