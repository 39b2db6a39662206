import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bothSizes, launch } from './browser';
import { ownTeam, ownUser, waitForFresh } from './app';

// The playground says what stops a run and what paid it in the words the rest of the app uses for the
// same thing, on a personal account and a team pool alike. People of their own: what they spend is
// nobody else's.

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

const cost = (page: Page) => page.getByRole('region', { name: 'Cost' });

describe('the playground, in the words of the rest of the app', () => {
	it('a free allowance too small for the request is "not enough", not "used up", until none of it is left', async () => {
		const { context, page } = await ownUser(browser, 'Many Words', 0);
		onTestFinished(() => context.close());
		await page.goto('/playground');
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Chatbot reply/ }).click();
		await page.getByLabel('Number of words').fill('99999999');
		const refusal = cost(page).getByRole('alert');
		await refusal.getByText(/^This costs 249,999,998 tokens, more than the 10,000 left of your daily free Chatbot allowance of 10,000; it resets /).waitFor();
		await cost(page).getByText('Not enough free allowance', { exact: true }).waitFor();
		await expect(cost(page).getByText('Free allowance used up').count()).resolves.toBe(0);
		await refusal.scrollIntoViewIfNeeded();
		await bothSizes(page, 'playground-allowance-too-small');

		// Every free token of the day spent: now it is used up, in the module's own words.
		const res = await page.request.post('/trpc/ledger.consume', { data: { feature: 'ai_bots', units: 4_000, idempotencyKey: crypto.randomUUID() } });
		expect(res.status(), await res.text()).toBe(200);
		await page.reload();
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Chatbot reply/ }).click();
		await page.getByLabel('Number of words').fill('10');
		await refusal.getByText(/^You have used your free chat tokens for today\./).waitFor();
		await cost(page).getByText('Free allowance used up', { exact: true }).waitFor();
	});

	it('names the model choice and the lots that would pay as the dashboard does', async () => {
		const { context, page } = await ownUser(browser, 'Lot Names', 50_000);
		onTestFinished(() => context.close());
		await page.goto('/playground');
		await waitForFresh(page);
		await expect(page.getByLabel('Model').locator('option').first().textContent()).resolves.toBe('Any model (general balance)');
		await page.getByRole('radio', { name: /Chatbot reply/ }).click();
		await page.getByLabel('Number of words').fill('5000');
		const paid = cost(page).locator('ul.paid > li > span:first-child');
		await expect.poll(() => paid.allTextContents()).toEqual(['Free allowance · Chatbot', 'General balance · Bonus']);
		await paid.first().scrollIntoViewIfNeeded();
		await bothSizes(page, 'playground-paid-by');
	});

	it('after a run on a team pool says what the capped member can still spend, as on a personal account', async () => {
		const { owner, member, team, call } = await ownTeam(browser, 'Run Crew', 'Rita Runs', 'Rob Runs', 91_900);
		onTestFinished(() => Promise.all([owner.context.close(), member.context.close()]).then(() => undefined));
		await call(owner.page, 'team.setCap', { teamId: team.id, userId: member.id, period: 'daily', limitTokens: 5_000 });
		const page = member.page;
		await page.goto('/playground');
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Run Crew/ }).click();
		await page.getByRole('region', { name: 'Balance' }).getByText('of 91,900 in the pool', { exact: true }).waitFor();
		await page.getByRole('radio', { name: /Search prices/ }).click();
		await page.getByRole('button', { name: 'Run search prices' }).click();
		const done = page.getByText(/^Done: 10 tokens spent; [\d,]+ still spendable on this feature\.$/);
		await done.waitFor();
		const left = Number((await done.innerText()).match(/; ([\d,]+) still/)![1]!.replace(/,/g, ''));
		// What the cap leaves him, not the pool's 91,890: the figure the cost card's next run counts down from.
		expect(left).toBeLessThanOrEqual(4_990);
		// (once the cost card's figures are reloaded after the run)
		const after = cost(page).getByText(/spendable on this feature after running it again/);
		await expect.poll(async () => Number((await after.innerText()).match(/([\d,]+) spendable/)![1]!.replace(/,/g, '')) + 10, { timeout: 15_000 }).toBe(left);
		await done.scrollIntoViewIfNeeded();
		await bothSizes(page, 'playground-pool-done');
	});

	it('a run that would spend the last tokens says it is allowed, once more, then that another would be refused', async () => {
		const { owner, member, team, call } = await ownTeam(browser, 'Last Crew', 'Lea Last', 'Lou Last', 10_000);
		onTestFinished(() => Promise.all([owner.context.close(), member.context.close()]).then(() => undefined));
		await call(owner.page, 'team.setCap', { teamId: team.id, userId: member.id, period: 'daily', limitTokens: 20 });
		const page = member.page;
		await page.goto('/playground');
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Last Crew/ }).click();
		await page.getByRole('radio', { name: /Search prices/ }).click();
		await page.getByRole('button', { name: 'Run search prices' }).click();
		await page.getByText(/^Done: 10 tokens spent; 10 still spendable on this feature\.$/).waitFor();
		// Another run is allowed and leaves nothing: said so, not "No tokens left" above a Run that works.
		const line = cost(page).locator('.level-text');
		await expect.poll(() => line.innerText()).toBe('Enough for one more run · 0 spendable on this feature after running it again');
		await expect(cost(page).getByText('No tokens left').count()).resolves.toBe(0);
		await line.scrollIntoViewIfNeeded();
		await bothSizes(page, 'playground-one-more-run');
		await page.getByRole('button', { name: 'Run search prices' }).click();
		await page.getByText(/^Done: 10 tokens spent; 0 still spendable on this feature\.$/).waitFor();
		await cost(page).getByText('Running it again: Cap reached', { exact: true }).waitFor();
	});

	it('after a run that leaves too little for another, the refusal above its Done says it is about running it again', async () => {
		const { owner, member, team, call } = await ownTeam(browser, 'Again Crew', 'Ann Again', 'Abe Again', 10_000);
		onTestFinished(() => Promise.all([owner.context.close(), member.context.close()]).then(() => undefined));
		await call(owner.page, 'team.setCap', { teamId: team.id, userId: member.id, period: 'daily', limitTokens: 15 });
		const page = member.page;
		await page.goto('/playground');
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Again Crew/ }).click();
		await page.getByRole('radio', { name: /Search prices/ }).click();
		await page.getByRole('button', { name: 'Run search prices' }).click();
		await page.getByText(/^Done: 10 tokens spent; 5 still spendable on this feature\.$/).waitFor();
		await cost(page).getByText('Running it again: Not enough left under the cap', { exact: true }).waitFor();
		await expect(cost(page).getByRole('alert').innerText()).resolves.toMatch(/^This costs 10 tokens, more than the 5 left of your daily cap of 15 in this team;/);
	});
});
