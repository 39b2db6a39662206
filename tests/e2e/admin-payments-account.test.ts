import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, screenshot } from './browser';
import { ownUser, screen } from './app';
import { expectSound, openAt, scrollUntilShown, sizes } from './console';

// A site admin on a user's page follows "All payments" to what Paddle told Quota about that account
// alone: the Payments page filtered by it, in its address (a reload or a shared link shows the same),
// and a link whose account is no account's id, or no account's at all, says so instead of a list.
let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** The member buys a Token pack through the store's checkout and the simulator's Pay, as the store page does. */
async function buysTokenPack(member: Page) {
	const call = async (procedure: string, data?: object) => {
		const res = data ? await member.request.post(`/trpc/${procedure}`, { data }) : await member.request.get(`/trpc/${procedure}`);
		expect(res.status(), `${procedure}: ${await res.text()}`).toBe(200);
		return (await res.json()).result.data;
	};
	const pack = (await call('store.front')).offers.find((o: { name: string }) => o.name === 'Token pack');
	const { transactionId } = await call('store.checkout', { productId: pack.id, quantity: 1 });
	const paid = await member.request.post(`/api/paddle-simulator/transactions/${transactionId}/pay`, { data: {} });
	expect(paid.status(), await paid.text()).toBe(200);
}

describe("the console's payments of one account", () => {
	it("the user's page links to their payments alone, kept in the address; a link with no account's id, or an unknown one, is said", async () => {
		const person = await ownUser(browser, 'Paying Pia', 0);
		await buysTokenPack(person.page);
		await person.context.close();
		const phone = sizes[0];
		const { context, page } = await openAt(browser, 'admin@quota.test', phone);
		try {
			// A link with ?q= (as many admin tools and newcomers write a search) searches as ?search= does; the address then says ?search=.
			await page.goto(`/admin/users?q=${encodeURIComponent(person.email)}`);
			await page.getByText(`1 account matching “${person.email}”`).waitFor();
			await expect(page.getByLabel('Search', { exact: true }).inputValue()).resolves.toBe(person.email);
			await expect.poll(() => [...new URL(page.url()).searchParams]).toEqual([['search', person.email]]);
			await page.getByRole('link', { name: 'Paying Pia' }).first().click();
			const card = page.getByRole('region', { name: 'Subscriptions and purchases' });
			await card.getByText('Token pack').waitFor();
			await screenshot(card, 'admin-user-purchases-card-390');
			const line = (await card.getByRole('listitem').filter({ hasText: 'Token pack' }).innerText()).trim();
			expect(line).toMatch(/^Token pack · 5,000 tokens · \$5\.00 · Completed · [A-Z][a-z]{2} \d{1,2}, \d{4}$/);
			// One purchase is all the card's: the records below (its statement says the pack) list it no second time.
			const statement = page.getByRole('region', { name: 'Statement' });
			await scrollUntilShown(page, statement);
			await statement.locator('td', { hasText: 'Token pack' }).first().waitFor();
			await expect(page.getByRole('region', { name: 'All purchases' }).count()).resolves.toBe(0);
			await expect(page.locator('main li').filter({ hasText: /^Token pack · 5,000 tokens/ }).count()).resolves.toBe(1);
			await card.scrollIntoViewIfNeeded();
			await card.getByRole('link', { name: 'All payments' }).click();

			await page.waitForURL(/\/admin\/payments\?account=[0-9a-f-]{36}$/);
			const accountId = new URL(page.url()).searchParams.get('account')!;
			const events = page.getByRole('listitem').filter({ hasText: 'transaction.completed' });
			await events.first().waitFor();
			// The completed order says what it paid, in its currency.
			await expect(events.first().innerText()).resolves.toMatch(/Order Token pack · \$5\.00\b/);
			const filter = page.getByRole('group', { name: 'Account' });
			await expect(filter.getByRole('link', { name: 'Paying Pia' }).getAttribute('href')).resolves.toBe(`/admin/users/${accountId}`);
			// Every event listed is about Pia's account: none of the demo's other buyers.
			const rows = page.locator('main ol.rows > li');
			const accounts = await rows.evaluateAll((items) => items.map((li) => li.querySelector('a[href^="/admin/users/"]')?.textContent ?? ''));
			expect(accounts.length).toBeGreaterThan(0);
			expect(new Set(accounts)).toEqual(new Set(['Paying Pia']));
			await expectSound(page);
			await screenshot(page, 'admin-payments-account-390', { firstScreen: true });

			// Both filters in the address: a reload shows the same.
			await page.getByLabel('Show').selectOption('duplicate');
			await page.getByText('No events of this kind.').waitFor();
			await expect.poll(() => new URL(page.url()).search).toBe(`?account=${accountId}&outcome=duplicate`);
			await page.reload();
			await page.getByText('No events of this kind.').waitFor();
			await expect(page.getByLabel('Show').inputValue()).resolves.toBe('duplicate');

			await page.goto('/admin/payments?account=pia%40example.test');
			await page.getByText("“pia@example.test” is not an account's id: open an account's payments from its page in the console.").waitFor();
			await expect(page.getByRole('heading', { name: 'Webhook events' }).count()).resolves.toBe(0);
			await screenshot(page, 'admin-payments-account-not-an-id-390', { firstScreen: true });

			const nobody = '00000000-0000-4000-8000-000000000000';
			await page.goto(`/admin/payments?account=${nobody}`);
			await page.getByRole('alert').filter({ hasText: `No account has the id ${nobody}. Check the link, or show every account's payments.` }).waitFor();
			await expect(page.getByRole('heading', { name: 'Webhook events' }).count()).resolves.toBe(0);
			// Asking again would get the same answer: no "Try again" (the way out is All accounts).
			await expect(page.getByRole('button', { name: 'Try again' }).count()).resolves.toBe(0);
			await screenshot(page, 'admin-payments-account-unknown-390', { firstScreen: true });
			await page.getByRole('button', { name: 'All accounts' }).click();
			await expect.poll(() => new URL(page.url()).search).toBe('');
			await page.getByRole('listitem').filter({ hasText: 'transaction.completed' }).first().waitFor();

			// Typed into the search box, by e-mail (any case) or name: the events of the accounts that match, kept in the address.
			const search = page.getByLabel('Search accounts', { exact: true });
			await expect(search.getAttribute('placeholder')).resolves.toBe('Name or e-mail');
			await search.fill(person.email.toUpperCase());
			await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe(person.email.toUpperCase());
			await expect.poll(() => rows.evaluateAll((items) => [...new Set(items.map((li) => li.querySelector('a[href^="/admin/users/"]')?.textContent ?? ''))])).toEqual(['Paying Pia']);
			await expectSound(page);
			await screen(page, 'admin-payments-search-390');
			await page.reload();
			await expect(search.inputValue()).resolves.toBe(person.email.toUpperCase());
			await page.getByRole('listitem').filter({ hasText: 'transaction.completed' }).first().waitFor();
			await search.fill('no-such-account-anywhere');
			await page.getByText('No events about an account matching “no-such-account-anywhere”.').waitFor();
			await screen(page, 'admin-payments-search-none-390');
			await search.fill('');
			await expect.poll(() => new URL(page.url()).search).toBe('');
		} finally {
			await context.close();
		}
	}, 120_000);

	it('a user with more purchases than the card lists: the card says how many, and All purchases below lists each once', async () => {
		const person = await ownUser(browser, 'Buying Bo', 0);
		for (let i = 0; i < 4; i++) await buysTokenPack(person.page);
		await person.context.close();
		const { context, page } = await openAt(browser, 'admin@quota.test', sizes[0]);
		try {
			await page.goto(`/admin/users?search=${encodeURIComponent(person.email)}`);
			await page.getByRole('link', { name: 'Buying Bo' }).first().click();
			const card = page.getByRole('region', { name: 'Subscriptions and purchases' });
			await card.getByText('4 purchases in all: every one is under All purchases, further down.').waitFor();
			await expect(card.getByRole('listitem').filter({ hasText: /^Token pack · 5,000 tokens/ }).count()).resolves.toBe(3);
			const all = page.getByRole('region', { name: 'All purchases' });
			await scrollUntilShown(page, all);
			await expect(all.getByRole('listitem').allInnerTexts()).resolves.toEqual(Array(4).fill(expect.stringMatching(/^Token pack · 5,000 tokens · \$5\.00 · Completed · [A-Z][a-z]{2} \d{1,2}, \d{4}$/)));
			await all.scrollIntoViewIfNeeded();
			await screen(page, 'admin-user-all-purchases-390');
		} finally {
			await context.close();
		}
	}, 120_000);
});
