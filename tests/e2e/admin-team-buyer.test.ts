import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, screenshot } from './browser';
import { ownTeam } from './app';
import { expectSound, openAt, sizes } from './console';

// The site owner reads who bought into a team's pool: the team's page in the console and its payments
// say "Bought by" the member who paid in the store, not only the team.
let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe("the console names a team pool's buyer", () => {
	it("a member's purchase for the pool says who bought it on the team's page and its payments", async () => {
		const t = await ownTeam(browser, 'Buyers Guild', 'Olga Owner', 'Maya Lee', 1);
		const front = await t.member.page.request.get('/trpc/store.front');
		const pack = (await front.json()).result.data.offers.find((o: { name: string }) => o.name === 'Token pack');
		const { transactionId } = await t.call(t.member.page, 'store.checkout', { accountId: t.team.accountId, productId: pack.id, quantity: 1 });
		const paid = await t.member.page.request.post(`/api/paddle-simulator/transactions/${transactionId}/pay`, { data: {} });
		expect(paid.status(), await paid.text()).toBe(200);
		await t.owner.context.close();
		await t.member.context.close();

		const { context, page } = await openAt(browser, 'admin@quota.test', sizes[0]);
		try {
			await page.goto(`/admin/users/${t.team.accountId}`);
			const card = page.getByRole('region', { name: 'Subscriptions and purchases' });
			const line = card.getByRole('listitem').filter({ hasText: 'Token pack' });
			await line.waitFor();
			await expect(line.innerText()).resolves.toMatch(/^Token pack · Bought by Maya Lee · 5,000 tokens · \$5\.00 · Completed · /);
			await screenshot(card, 'admin-team-buyer-card-390');

			await page.goto(`/admin/payments?account=${t.team.accountId}`);
			const event = page.getByRole('listitem').filter({ hasText: 'transaction.completed' });
			await event.first().waitFor();
			await expect(event.first().innerText()).resolves.toContain('Bought by Maya Lee');
			await expectSound(page);
			await screenshot(page, 'admin-team-buyer-payments-390', { firstScreen: true });
		} finally {
			await context.close();
		}
	}, 120_000);
});
