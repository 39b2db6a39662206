import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseURL, launch } from './browser';
import { deviceStorage, leo, maya, screen } from './app';
import { expectSound, openAt, scrollUntilShown, sizes, tour, type Size } from './console';
import { DEMO_SITE_API_KEY } from './server';

// The admin console's Overview, Limits and Rates pages: each behaviour at a phone's size, and a
// desktop's look of each page. The e2e server is shared by every browser test: each change made here
// is put back before the test ends.
const admin = { email: 'admin@quota.test' };
const pages = ['/admin', '/admin/limits', '/admin/rates'];

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

const openAs = (email: string, size: Size) => openAt(browser, email, size);

/** A guest's chat use through the REST API with the demo site key. */
const guestConsume = (guest: string) =>
	fetch(`${baseURL()}/api/v1/consume`, {
		method: 'POST',
		headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'content-type': 'application/json', 'idempotency-key': `e2e-${guest}-${Date.now()}` },
		body: JSON.stringify({ guest, feature: 'ai_bots', units: 10 })
	});

/** The Chatbot module's form on the Limits page. */
const chatForm = (page: Page) => page.getByRole('form', { name: /^Chatbot/ });

async function saveChat(page: Page, guest: string, message: string) {
	const form = chatForm(page);
	await form.getByLabel('Guest limit (tokens)').fill(guest);
	await form.getByLabel('Limit message', { exact: true }).fill(message);
	await form.getByRole('button', { name: 'Save Chatbot' }).click();
	await form.getByText('Chatbot saved. Recorded in the audit log.').waitFor();
}

async function setRate(page: Page, feature: string, rate: string) {
	await page.getByRole('button', { name: `Edit ${feature}` }).click();
	const editor = page.getByRole('form', { name: `Edit ${feature}` });
	await editor.getByLabel('Tokens per operation').fill(rate);
	return editor;
}

const size = sizes[0]; // the phone

describe(`the admin Overview, Limits and Rates on a ${size.name}`, () => {
	let context: BrowserContext;
	let page: Page;
	beforeAll(async () => {
		({ context, page } = await openAs(admin.email, size));
	});
	afterAll(async () => context?.close());

	it('refuses a member and a team owner each page, and the API answers them 403', async () => {
		const member = await openAs(maya.email, size); // Maya owns the demo team
		try {
			for (const path of pages) {
				await member.page.goto(path);
				await member.page.getByText('Only site admins can open the admin console').waitFor();
			}
			const statuses = await member.page.evaluate(async () =>
				Promise.all(['admin.overview.get', 'admin.limits.list', 'admin.features.list'].map(async (p) => (await fetch(`/trpc/${p}`)).status))
			);
			expect(statuses).toEqual([403, 403, 403]);
		} finally {
			await member.context.close();
		}
	});

	it('shows the overview: today’s and this month’s figures, revenue, flags, the chart by span and split, the tops and every admin page', async () => {
		await page.goto('/admin');
		await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
		const today = page.locator('.stat', { hasText: 'Tokens used today' });
		await expect(today.locator('.value').textContent()).resolves.toMatch(/^[\d,]+$/);
		await page.getByRole('heading', { name: /^Open flags/ }).waitFor();
		await page.getByRole('heading', { name: 'Revenue' }).waitFor();
		await screen(page, `admin-overview-top-${size.name}`);
		const week = page.getByRole('button', { name: '7 days' });
		await scrollUntilShown(page, week); // the chart, the tops and the links are below the first screen
		await week.click();
		await page.getByLabel('Split by').selectOption('model');
		await page.getByRole('heading', { name: 'By model over 7 days' }).waitFor();
		await page.getByRole('img', { name: /over the last 7 days/ }).waitFor();
		await page.getByRole('heading', { name: 'Top features' }).waitFor();
		for (const label of ['Users', 'Audit log', 'API keys', 'Limits', 'Rates and models']) {
			await expect(page.getByRole('main').getByRole('link', { name: new RegExp(`^${label}`) }).count()).resolves.toBeGreaterThan(0);
		}
		await screen(page, `admin-overview-${size.name}`);
		await expectSound(page);
	});

	it('sets the guest chat limit to 0, and a guest’s consume is then refused with the configured message', async () => {
		await page.goto('/admin/limits');
		const form = chatForm(page);
		await form.waitFor();
		const original = { guest: await form.getByLabel('Guest limit (tokens)').inputValue(), message: await form.getByLabel('Limit message', { exact: true }).inputValue() };
		const message = `Chat is for members on this ${size.name} test. Sign up to chat.`;
		try {
			await form.getByLabel('Guest limit (tokens)').fill('0');
			await form.getByText('A guest gets nothing: Chatbot is disabled for them.').waitFor();
			await form.getByLabel('Guest limit (tokens)').fill('ten');
			await form.getByRole('button', { name: 'Save Chatbot' }).click();
			await form.getByRole('alert').getByText(/Fix the limits/).waitFor(); // bad input: nothing sent
			expect((await guestConsume(`e2e-still-open-${size.name}`)).status).toBe(200);

			await saveChat(page, '0', message);
			await screen(page, `admin-limits-${size.name}`);
			await expectSound(page);
			const refused = await guestConsume(`e2e-refused-${size.name}`);
			expect(refused.status).toBe(403);
			expect(await refused.json()).toMatchObject({ error: 'feature_disabled', message });
		} finally {
			await saveChat(page, original.guest, original.message);
		}
		expect((await guestConsume(`e2e-open-again-${size.name}`)).status).toBe(200);
	});

	it('turns “Create users for unknown ids” off: a site key’s call for an unknown user is then 404; on again, it goes through', async () => {
		await page.goto('/admin/limits');
		const card = page.getByRole('form', { name: 'Users in the API' });
		const create = card.getByLabel('Create users for unknown ids');
		await create.waitFor();
		expect(await create.isChecked()).toBe(true);
		const typo = `e2e-typo-${size.name}-${Date.now().toString(36)}`;
		const consume = () =>
			fetch(`${baseURL()}/api/v1/consume`, {
				method: 'POST',
				headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'content-type': 'application/json', 'idempotency-key': `e2e-${typo}-${Math.random()}` },
				body: JSON.stringify({ user: typo, feature: 'ai_bots', units: 1 })
			});
		try {
			await create.uncheck();
			await card.getByRole('button', { name: 'Save' }).click();
			await card.getByText('Saved: unknown ids are refused (404). Recorded in the audit log.').waitFor();
			await screen(page, `admin-unknown-users-${size.name}`);
			await expectSound(page);
			const refused = await consume();
			expect(refused.status).toBe(404);
			expect(await refused.json()).toMatchObject({ error: 'unknown_user' });
			await page.reload();
			await expect(page.getByRole('form', { name: 'Users in the API' }).getByLabel('Create users for unknown ids').isChecked()).resolves.toBe(false);
		} finally {
			const again = page.getByRole('form', { name: 'Users in the API' });
			await again.getByLabel('Create users for unknown ids').check();
			await again.getByRole('button', { name: 'Save' }).click();
			await again.getByText('Saved: unknown ids create users. Recorded in the audit log.').waitFor();
		}
		expect((await consume()).status).toBe(200);
	});

	it('saves the team member cap default beside the team pool default, and names each role field by the role’s name', async () => {
		await page.goto('/admin/limits');
		const site = page.getByRole('form', { name: 'Periods, spend order and caps' });
		const field = site.getByLabel('Team member daily cap (tokens)');
		await field.waitFor();
		const before = await field.inputValue();
		try {
			await field.fill('750');
			await site.getByRole('button', { name: 'Save site settings' }).click();
			await site.getByText('Site settings saved. Recorded in the audit log.').waitFor();
			await page.reload();
			await expect(page.getByRole('form', { name: 'Periods, spend order and caps' }).getByLabel('Team member daily cap (tokens)').inputValue()).resolves.toBe('750');
		} finally {
			const again = page.getByRole('form', { name: 'Periods, spend order and caps' });
			await again.getByLabel('Team member daily cap (tokens)').fill(before);
			await again.getByRole('button', { name: 'Save site settings' }).click();
			await again.getByText('Site settings saved. Recorded in the audit log.').waitFor();
		}
		// The demo's chat limits are role-based: one field per role of the Roles page's list, by its name.
		await expect(chatForm(page).getByLabel('Author (tokens)').inputValue()).resolves.toBe('20000');
		await expect(chatForm(page).getByLabel('Member (tokens)').count()).resolves.toBe(1);
	});

	it('changes a feature’s rate with a live cost preview, and the playground shows the new cost', async () => {
		const rate = '13.5'; // a rate with a fraction: the cost is rounded up
		await page.goto('/admin/rates');
		await page.getByRole('button', { name: 'Edit Search prices' }).waitFor();
		await screen(page, `admin-rates-top-${size.name}`);
		const editor = await setRate(page, 'Search prices', rate);
		await editor.getByLabel('Operations').fill('3');
		const cost = Math.ceil(3 * Number(rate));
		await editor.getByText(`3 operations × ${rate} = ${cost} tokens`).waitFor();
		await editor.getByTestId('rate-preview').scrollIntoViewIfNeeded();
		await screen(page, `admin-rates-${size.name}`);
		await expectSound(page);
		try {
			await editor.getByRole('button', { name: 'Save feature' }).click();
			await page.getByText('“search_prices” saved.').waitFor();
			await page.getByRole('row', { name: /Search prices/ }).getByText(`${Number(rate)} per operation`).waitFor();

			const member = await openAs(leo.email, size);
			try {
				await member.page.goto('/playground');
				await member.page.getByRole('radio', { name: /Search prices/ }).click();
				await member.page.getByLabel('How many times').fill('3');
				await member.page.locator('.cost-figure').getByText(new RegExp(`^≈? ?${cost} tokens$`)).waitFor();
				await screen(member.page, `admin-rates-playground-${size.name}`);
			} finally {
				await member.context.close();
			}
		} finally {
			await page.goto('/admin/rates');
			const back = await setRate(page, 'Search prices', '10');
			await back.getByRole('button', { name: 'Save feature' }).click();
			await page.getByText('“search_prices” saved.').waitFor();
		}
	}, 120_000); // two browsers and two saves: slow on a busy machine

	it('refuses a breakdown that does not add up to the operation’s cost, and changes nothing', async () => {
		await page.goto('/admin/rates');
		const editor = await setRate(page, 'Generate all', '70');
		await editor.getByText('The parts add up to 65 tokens; the operation costs 70.').waitFor();
		await editor.getByRole('button', { name: 'Save feature' }).click();
		await editor.getByRole('alert').getByText('The breakdown adds up to 65 tokens, but the operation costs 70.').waitFor();
		await page.getByRole('row', { name: /Generate all/ }).getByText('65 per operation').waitFor();
	});

	it('needs a connection, and keeps none of what it shows on the device', async () => {
		await page.goto('/admin/limits');
		await chatForm(page).waitFor();
		await context.setOffline(true);
		try {
			await page.getByText('The admin console needs a connection').waitFor();
			await expect(chatForm(page).count()).resolves.toBe(0);
			const stored = await deviceStorage(page);
			expect(stored.idb + stored.cached).not.toContain('Chat is for members');
		} finally {
			await context.setOffline(false);
		}
	});
});

describe('the admin Overview, Limits and Rates on a desktop', () => {
	it('shows each page whole, fitting the screen', async () => {
		const { context, page } = await openAs(admin.email, sizes[1]);
		try {
			await tour(page, [
				{ path: '/admin', ready: page.getByRole('heading', { name: 'Top features' }), name: 'admin-overview-desktop' },
				{ path: '/admin/limits', ready: chatForm(page), name: 'admin-limits-desktop' },
				{ path: '/admin/rates', ready: page.getByRole('row', { name: /Search prices/ }), name: 'admin-rates-desktop' }
			]);
		} finally {
			await context.close();
		}
	});
});
