import { describe, expect, it, vi } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIRST_QUERIES_TIMEOUT_MS, firstQueriesHead } from '../../src/lib/server/http/first-queries';
import { REQUEST_TIMEOUT_MS } from '../../src/lib/client/timed-fetch';
import { pageQueries } from '../../src/lib/page-queries';

const FIRST_HISTORY_INPUT = pageQueries['/usage'].history.input;

/** Runs the head's script as a browser on `pathname` would (signed in: `cookie` holds the mark), with `fetch` recording its URL. */
function runScript(head: string, pathname: string, cookie = 'quota_guest=g.h; quota_signed_in=1', answer: (signal: AbortSignal) => Promise<unknown> = () => Promise.resolve({ json: () => Promise.resolve([{ result: { data: 1 } }]) })) {
	const script = /<script>([\s\S]*)<\/script>/.exec(head)?.[1];
	const fetched: string[] = [];
	const window: { __quotaFirst?: { page: string; calls: unknown[][]; answers: Promise<unknown> } } = {};
	const fetch = (url: string, init: { signal: AbortSignal }) => {
		fetched.push(url);
		return answer(init.signal);
	};
	new Function('window', 'location', 'document', 'fetch', script!)(window, { pathname }, { cookie }, fetch);
	return { first: window.__quotaFirst, fetched };
}

/** The one URL the head's script fetches on `page`, signed in. */
async function fetchedOn(page: string) {
	const { fetched } = runScript(await firstQueriesHead(page), page);
	expect(fetched).toHaveLength(1);
	return fetched[0]!;
}

describe("a signed-in page's first queries", () => {
	it('are one request, sent by the script alone (no preload link, which would go signed out too)', async () => {
		for (const page of ['/dashboard', '/usage', '/settings']) {
			const head = await firstQueriesHead(page);
			expect(head).not.toContain('<link');
			await fetchedOn(page);
		}
	});

	it('are not asked without the signed-in mark: a signed-out visitor gets no 401 in the console', async () => {
		for (const cookie of ['', 'quota_guest=g.h', 'not_quota_signed_in=1']) {
			expect(runScript(await firstQueriesHead('/dashboard'), '/dashboard', cookie), cookie).toEqual({ first: undefined, fetched: [] });
		}
	});

	it('ask for the settings, the profile and the page’s own figures, with fixed inputs', async () => {
		const url = new URL(await fetchedOn('/usage'), 'http://x');
		expect(url.pathname).toBe('/trpc/settings.get,me.profile,ledger.history,ledger.catalog');
		expect(url.searchParams.get('batch')).toBe('1');
		expect(JSON.parse(url.searchParams.get('input')!)).toEqual({ 2: FIRST_HISTORY_INPUT });

		const { first } = runScript(await firstQueriesHead('/dashboard'), '/dashboard');
		// A call without input has none in the list (the page compares inputs, and JSON has no undefined).
		expect(first?.calls).toEqual([['settings.get'], ['me.profile'], ['ledger.dashboard', {}]]);
		expect(first?.page).toBe('/dashboard');
	});

	it("are sent by every signed-in page, the console's included", async () => {
		const root = 'src/routes/(app)';
		const pages = readdirSync(root, { recursive: true, encoding: 'utf8' })
			.filter((f) => f.endsWith('+page.svelte'))
			.map((f) => `/${relative('.', join(f, '..'))}`.replace(/\/$/, '').replace('[id]', '0b5c3d6e-1f2a-4b3c-8d4e-5f6a7b8c9d0e'));
		expect(pages).toContain('/admin/users/0b5c3d6e-1f2a-4b3c-8d4e-5f6a7b8c9d0e');
		expect(pages.length).toBeGreaterThan(20);
		for (const page of pages) expect(await firstQueriesHead(page), page).toContain(`page: "${page}"`);
	});

	it("serve a user's page in the console for every user, each on its own address", async () => {
		const page = '/admin/users/0b5c3d6e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';
		const { first, fetched } = runScript(await firstQueriesHead(page), page);
		expect(first?.page).toBe(page);
		expect(first?.calls).toEqual([['settings.get'], ['me.profile']]);
		expect(fetched).toHaveLength(1);
		// Another user's address does not take this page's answers; a malformed id gets no script.
		expect(runScript(await firstQueriesHead(page), '/admin/users/1b5c3d6e-1f2a-4b3c-8d4e-5f6a7b8c9d0e').first).toBeUndefined();
		expect(await firstQueriesHead('/admin/users/not-an-id')).toBe('');
	});

	it('warm the number and date formats before the scripts run', async () => {
		const head = await firstQueriesHead('/admin');
		expect(head).toContain('new Intl.NumberFormat().format(0)');
		expect(head).toContain('new Intl.DateTimeFormat(undefined,');
	});

	it('are sent only on the page they were written for', async () => {
		expect(runScript(await firstQueriesHead('/dashboard'), '/usage')).toEqual({ first: undefined, fetched: [] });
		expect(await firstQueriesHead('/signin')).toBe('');
		expect(await firstQueriesHead('/dashboard/user')).toBe('');
	});

	it('hand over the answers as an array, or null when the request failed', async () => {
		const { first } = runScript(await firstQueriesHead('/usage'), '/usage');
		await expect(first?.answers).resolves.toEqual([{ result: { data: 1 } }]);
	});

	it("give up after the app's request timeout on a network that carries nothing: the page then asks the server itself", async () => {
		expect(FIRST_QUERIES_TIMEOUT_MS).toBe(REQUEST_TIMEOUT_MS);
		vi.useFakeTimers();
		try {
			// A fetch that neither answers nor fails until it is aborted.
			const never = (signal: AbortSignal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
			const { first } = runScript(await firstQueriesHead('/dashboard'), '/dashboard', undefined, never);
			let settled: unknown = 'pending';
			void first!.answers.then((a) => (settled = a));
			await vi.advanceTimersByTimeAsync(FIRST_QUERIES_TIMEOUT_MS - 1);
			expect(settled).toBe('pending');
			await vi.advanceTimersByTimeAsync(1);
			expect(settled).toBeNull();
		} finally {
			vi.useRealTimers();
		}
	});
});
