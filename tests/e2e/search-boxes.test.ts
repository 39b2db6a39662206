import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch } from './browser';
import { expectJustUnder, expectNoteBeside, screen } from './app';
import { expectSound, openAt, sizes } from './console';

// The console's search boxes keep their text in the URL. Typing stops at what the server searches
// (200 characters, the room left said under the box); a longer text a link or a reload brought is
// said beside its box, in the server's words naming the box as the page labels it, and nothing is
// asked: the server's 400 was a console error, its "Try again" could never work, and the audit log
// left its unfiltered entries under the refusal as if they all matched.
const admin = { email: 'admin@quota.test' };
const long = 'x'.repeat(201);

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** The admin's page at `size`, with the console errors and the 4xx/5xx answers it meets. */
async function watchedAdmin(size: (typeof sizes)[number]) {
	const { context, page } = await openAt(browser, admin.email, size);
	const errors: string[] = [];
	page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
	const refused: string[] = [];
	page.on('response', (r) => void (r.status() >= 400 && refused.push(`${r.status()} ${r.url().slice(0, 80)}`)));
	return { context, page, errors, refused };
}

const boxes = [
	{ path: `/admin/users?search=${long}`, label: 'Search', list: 'table' as const, name: 'users' },
	{ path: `/admin/audit?actor=${long}`, label: 'Who', list: 'entries' as const, name: 'audit-who' },
	{ path: `/admin/audit?account=${long}`, label: 'Account', list: 'entries' as const, name: 'audit-account' },
	{ path: `/admin/payments?search=${long}`, label: 'Search accounts', list: 'events' as const, name: 'payments' }
];

describe('a search longer than its box takes', () => {
	for (const size of sizes) {
		it(`is said beside its box with nothing asked, and the box then takes 200 characters (${size.name})`, async () => {
			const { context, page, errors, refused } = await watchedAdmin(size);
			try {
				for (const box of boxes) {
					await page.goto(box.path);
					const field = page.getByLabel(box.label, { exact: true });
					await expectNoteBeside(field, `${box.label} must be text of at most 200 characters; this is 201 characters. Shorten it to search.`);
					await expect(field.inputValue()).resolves.toBe(long);
					// No dead retry, and no list that would read as the search's matches.
					await expect(page.getByRole('button', { name: 'Try again' }).count()).resolves.toBe(0);
					await expect(page.getByText(/Could not load/).count()).resolves.toBe(0);
					if (box.list === 'table') await expect(page.getByRole('table').count()).resolves.toBe(0);
					else await expect(page.getByRole('heading', { name: box.list === 'events' ? 'Webhook events' : 'Newest first' }).count()).resolves.toBe(0);
					await screen(page, `search-too-long-${box.name}-${size.name}`);
					await expectSound(page);

					// Shortened by hand: the note goes and the list is asked for. Typed or pasted, the box stops at 200.
					await field.fill('y'.repeat(250));
					await expect(field.inputValue()).resolves.toBe('y'.repeat(200));
					await page.locator(`[id="${await field.getAttribute('id')}-room"]`).getByText('No room left: 200 characters at most').waitFor();
					await expect(page.locator(`[id="${await field.getAttribute('id')}-note"]`).count()).resolves.toBe(0);
					await page.getByText({ table: 'No account matches', entries: 'No entry matches these filters.', events: `No events about an account matching “${'y'.repeat(200)}”.` }[box.list]).waitFor();
				}
				expect(errors).toEqual([]);
				expect(refused).toEqual([]);
			} finally {
				await context.close();
			}
		});
	}
});

// The audit log's other filters, as a link brings them: an action name longer than the server takes,
// a date that is none (2026-13-45) or that PostgreSQL has not (year 0000, the query's 500). Each was
// the server's 400 under a "Try again" that could never work; now it is said beside its field and
// nothing is asked, until the field is set again.
const filters = [
	{ query: `action=${'a'.repeat(101)}`, label: 'Action', note: 'Action must be text of at most 100 characters; this is 101 characters. Choose an action from the list.', fix: (f: import('playwright-core').Locator) => f.selectOption('') },
	{ query: 'from=2026-13-45', label: 'From', note: 'From must be a date as YYYY-MM-DD, such as 2026-01-31; got "2026-13-45". Pick a date to filter by.', fix: (f: import('playwright-core').Locator) => f.fill('2026-01-01') },
	{ query: 'to=0000-01-01', label: 'To', note: 'To must be a date as YYYY-MM-DD, such as 2026-01-31; got "0000-01-01". Pick a date to filter by.', fix: (f: import('playwright-core').Locator) => f.fill('2099-12-31') }
];

describe('an audit log filter the server refuses, from a link', () => {
	for (const size of sizes) {
		it(`is said beside its field with nothing asked, until the field is set (${size.name})`, async () => {
			const { context, page, errors, refused } = await watchedAdmin(size);
			try {
				for (const f of filters) {
					await page.goto(`/admin/audit?${f.query}`);
					const field = page.getByLabel(f.label, { exact: true });
					await expectNoteBeside(field, f.note);
					await expect(page.getByRole('button', { name: 'Try again' }).count()).resolves.toBe(0);
					await expect(page.getByText(/Could not load/).count()).resolves.toBe(0);
					await expect(page.getByRole('heading', { name: 'Newest first' }).count()).resolves.toBe(0);
					await screen(page, `audit-filter-refused-${f.label.toLowerCase()}-${size.name}`);
					await expectSound(page);

					await f.fix(field);
					await page.getByRole('heading', { name: 'Newest first' }).waitFor();
					await page.getByText(/^\d+\+? (entry|entries)$/).waitFor();
					await expect(page.locator(`[id="${await field.getAttribute('id')}-note"]`).count()).resolves.toBe(0);
				}
				expect(errors).toEqual([]);
				expect(refused).toEqual([]);
			} finally {
				await context.close();
			}
		});
	}
});

// The Bonuses page's team search: a search that fails says so under its box, with a retry that works.
describe("the Bonuses page's team search", () => {
	for (const size of sizes) {
		it(`says a failed search under its box and finds the team on Try again (${size.name})`, async () => {
			const { context, page } = await openAt(browser, admin.email, size);
			try {
				await page.goto('/admin/bonuses');
				await page.getByLabel("A team's shared pool").check();
				const box = page.getByLabel('Find a team by name');
				await box.fill('Acme');
				await page.route('**/trpc/admin.users.list**', (r) => r.abort('internetdisconnected'));
				await page.getByRole('button', { name: 'Find', exact: true }).click();
				const failed = page.getByRole('alert').filter({ hasText: 'Could not load the teams matching “Acme”' });
				await failed.waitFor();
				await expectJustUnder(box, failed);
				await expect(page.getByLabel('Team', { exact: true }).count()).resolves.toBe(0);
				await screen(page, `bonuses-team-search-failed-${size.name}`);
				await expectSound(page);

				await page.unroute('**/trpc/admin.users.list**');
				await failed.getByRole('button', { name: 'Try again' }).click();
				await expect(page.getByLabel('Team', { exact: true }).locator('option:checked').innerText()).resolves.toBe('Acme Studio');
				await expect(failed.count()).resolves.toBe(0);
			} finally {
				await context.close();
			}
		});
	}
});
