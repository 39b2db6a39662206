import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch } from './browser';
import { leo, openAs, screen } from './app';
import { searchAccounts } from './console';

// An admin opens the page of an account that does not exist (a mistyped or cut-short link): the page
// says so and leads back to the users, with no retry (asking again cannot make it exist); a failure
// that may pass (the network, an outage) keeps its retry.
let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('the admin page of an account that does not exist, on a phone', () => {
	it('says there is no such account, links to the users, and offers no retry: an unknown id and an address that is no id', async () => {
		const { context, page } = await openAs(browser, 'admin@quota.test', '/admin/users/00000000-0000-4000-8000-000000000000');
		const missing = page.getByRole('region', { name: 'No such account' });
		await missing.getByText('No account has the id 00000000-0000-4000-8000-000000000000. Check the link, or find the account in the list of users.').waitFor();
		await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('No such account');
		await expect(page.getByRole('button', { name: 'Try again' }).count()).resolves.toBe(0);
		await expect(page.getByText(/Could not load/).count()).resolves.toBe(0);
		await screen(page, 'admin-account-missing');

		await page.goto('/admin/users/nope');
		await missing.getByText('No account has the id nope.', { exact: false }).waitFor();
		await expect(page.getByRole('button', { name: 'Try again' }).count()).resolves.toBe(0);
		await missing.getByRole('link', { name: 'All users' }).click();
		await page.waitForURL(/\/admin\/users$/);
		await page.getByRole('link', { name: leo.name }).first().waitFor();
		await context.close();
	});

	it('keeps the retry when the account could not be read (the request failed), and the retry shows it', async () => {
		const { context, page } = await openAs(browser, 'admin@quota.test', '/admin/users');
		await searchAccounts(page, leo.email);
		const href = (await page.getByRole('link', { name: leo.name }).first().getAttribute('href'))!;
		await page.route('**/trpc/admin.users.get*', (route) => route.abort('failed'));
		await page.goto(href);
		await page.getByText('Could not load this account:').waitFor();
		await expect(page.getByRole('region', { name: 'No such account' }).count()).resolves.toBe(0);
		await page.unroute('**/trpc/admin.users.get*');
		await page.getByRole('button', { name: 'Try again' }).click();
		await expect(page.getByRole('heading', { level: 1 }).filter({ hasText: leo.name }).waitFor()).resolves.toBeUndefined();
		await context.close();
	});
});
