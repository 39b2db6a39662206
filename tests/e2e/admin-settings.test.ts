import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseURL, launch } from './browser';
import { deviceStorage, expectNoteBeside, leo, maya, screen, siteApi, waitForServiceWorker } from './app';
import { expectSound, installed, openAt, pagePerSize, scrollUntilShown, type Size, sizes, tour } from './console';
import { DEMO_SITE_API_KEY } from './server';
import { CATALOG_KEY_RULE } from '../../src/lib/catalog-key';

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

/** The site admin's page at each size, for the tests that need no fresh device. */
const adminPage = pagePerSize(() => browser, admin.email);

/** A guest's chat use through the REST API with the demo site key. */
const guestConsume = (guest: string) =>
	fetch(`${baseURL()}/api/v1/consume`, {
		method: 'POST',
		headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'content-type': 'application/json', 'idempotency-key': `e2e-${guest}-${Date.now()}` },
		body: JSON.stringify({ guest, feature: 'ai_bots', units: 10 })
	});

/** The Chatbot module's card on the Limits page: what it gives, with its forms behind Edit. */
const chatCard = (page: Page) => page.getByRole('region', { name: 'Chatbot' });
/** The Chatbot module's limits form, open in its card. */
const chatForm = (page: Page) => page.getByRole('form', { name: 'Chatbot: free allowances' });

async function editChat(page: Page) {
	await chatCard(page).getByRole('button', { name: 'Edit limits of Chatbot' }).click();
	await chatForm(page).waitFor();
}

async function saveChat(page: Page, guest: string, message: string) {
	if (!(await chatForm(page).count())) await editChat(page);
	const form = chatForm(page);
	await form.getByLabel('Guest limit (tokens)').fill(guest);
	await form.getByLabel('Limit message', { exact: true }).fill(message);
	await form.getByRole('button', { name: 'Save Chatbot' }).click();
	// The form closes; the card says what it saved, with what it gives now.
	await chatCard(page).getByRole('status').getByText('Chatbot saved. Recorded in the audit log.').waitFor();
	await expect(chatForm(page).count()).resolves.toBe(0);
	// The message saved is read on the card, without opening the form again.
	await expect(chatCard(page).locator('p', { hasText: /^Limit message:/ }).innerText()).resolves.toBe(`Limit message: ${message}`);
}

/** The site's periods, spend order and caps: as they are, and their form behind Edit. */
const siteCard = (page: Page) => page.getByRole('region', { name: 'Periods, spend order and caps' });
const siteForm = (page: Page) => page.getByRole('form', { name: 'Periods, spend order and caps' });

/** The site's settings as the card lists them. */
const facts = (page: Page) => siteCard(page).locator('dl').innerText();

async function saveMemberCap(page: Page, cap: string) {
	if (new URL(page.url()).pathname !== '/admin/limits') await page.goto('/admin/limits');
	await siteCard(page).getByRole('button', { name: /^Edit/ }).click();
	await siteForm(page).getByLabel("Each team member's daily cap (default, tokens)").fill(cap);
	await siteForm(page).getByRole('button', { name: 'Save site settings' }).click();
	await siteCard(page).getByText('Site settings saved. Recorded in the audit log.').waitFor();
}

async function setRate(page: Page, feature: string, rate: string) {
	await page.getByRole('button', { name: `Edit ${feature}` }).click();
	const editor = page.getByRole('form', { name: `Edit ${feature}` });
	await editor.getByLabel('Tokens per operation').fill(rate);
	return editor;
}

const size = sizes[0]; // the phone

describe(`the admin Overview, Limits and Rates on a ${size.name}`, () => {
	let page: Page;
	beforeAll(async () => {
		({ page } = await adminPage(size));
	});

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

	it('spaces the rows of Chatbot’s role limits as its other fields, though none has help or a slip under it', async () => {
		await page.goto('/admin/limits');
		await editChat(page);
		const form = chatForm(page);
		await form.getByRole('radio', { name: /^Role-based/ }).check();
		for (const n of ['Admin', 'Author', 'Member', 'Any other role']) await form.getByLabel(`${n} (tokens)`).waitFor();
		// Every role's limit, top to bottom (other browser tests add roles to the shared server), then
		// "Any other role" under them: from one row's inputs to the next row's labels, the same space as
		// between the form's other fields (its grid's gap), not that and empty rows' gaps. Measured in
		// one layout, so nothing that moves meanwhile can skew it.
		const rows = await form.evaluate((f) => {
			const fields = [...f.querySelectorAll('.roles > .field'), [...f.querySelectorAll('.field')].find((x) => x.querySelector('label')?.textContent?.trim() === 'Any other role')!];
			const rows: { top: number; bottom: number }[] = [];
			for (const field of fields) {
				const top = field.querySelector('label')!.getBoundingClientRect().top;
				const bottom = field.querySelector('.limit')!.getBoundingClientRect().bottom;
				const last = rows.at(-1);
				if (last && Math.abs(top - last.top) <= 1) last.bottom = Math.max(last.bottom, bottom); // side by side: one row
				else rows.push({ top, bottom });
			}
			return rows;
		});
		const fieldGap = await form.evaluate((f) => parseFloat(getComputedStyle(f).rowGap));
		expect(rows.length).toBeGreaterThan(1);
		for (let i = 1; i < rows.length; i++) {
			const space = rows[i]!.top - rows[i - 1]!.bottom;
			expect(space).toBeGreaterThan(0);
			expect(space).toBeLessThanOrEqual(fieldGap + 1);
		}
		await screen(page, `admin-limits-roles-${size.name}`);
		// Each role chooses in words: None is no free tokens (they pay from their balance), never "disabled".
		await form.getByLabel('Author', { exact: true }).selectOption('none');
		await expect(form.getByLabel('Author (tokens)').count()).resolves.toBe(0);
		await form.getByRole('listitem').filter({ hasText: /^A user with the role Author gets no free tokens: they pay from their balance\.$/ }).waitFor();
		await form.getByLabel('Admin (tokens)').fill('0');
		await form.getByRole('listitem').filter({ hasText: /^A user with the role Admin cannot use Chatbot: not available to them, even with a balance\.$/ }).waitFor();
		await form.getByLabel('Author', { exact: true }).scrollIntoViewIfNeeded();
		await screen(page, `admin-limits-role-none-${size.name}`);
		// To one limit for every user: the roles differ, so the user limit is the owner's to choose (no role's value carried over).
		await form.getByRole('radio', { name: /^General/ }).check();
		await expect(form.getByLabel('User limit (tokens)').inputValue()).resolves.toBe('');
		await form.getByRole('listitem').filter({ hasText: /^A user has no limit set yet: / }).waitFor();
		await form.getByRole('button', { name: 'Cancel' }).click();
	});

	it('sets the guest chat limit to 0, and a guest’s consume is then refused: it needs an account, not the limit message', async () => {
		await page.goto('/admin/limits');
		await editChat(page);
		const form = chatForm(page);
		const original = { guest: await form.getByLabel('Guest limit (tokens)').inputValue(), message: await form.getByLabel('Limit message', { exact: true }).inputValue() };
		const message = `Chat is for members on this ${size.name} test. Sign up to chat.`;
		try {
			await form.getByLabel('Guest limit (tokens)').fill('0');
			await form.getByText('A guest cannot use Chatbot: not available to them, even with a balance.').waitFor();
			await form.getByLabel('Guest limit (tokens)').fill('ten');
			await form.getByRole('button', { name: 'Save Chatbot' }).click();
			// Bad input: said under the field (field-refusals.test.ts), nothing sent.
			await form.getByRole('alert').getByText(/whole number/).waitFor();
			expect((await guestConsume(`e2e-still-open-${size.name}`)).status).toBe(200);

			await saveChat(page, '0', message);
			await chatCard(page).getByText('A guest cannot use Chatbot: not available to them, even with a balance.').waitFor();
			await screen(page, `admin-limits-${size.name}`);
			await expectSound(page);
			const refused = await guestConsume(`e2e-refused-${size.name}`);
			expect(refused.status).toBe(403);
			expect(await refused.json()).toMatchObject({ error: 'feature_disabled', message: 'Chatbot needs an account: sign in or sign up to use it.' });
		} finally {
			await saveChat(page, original.guest, original.message);
		}
		expect((await guestConsume(`e2e-open-again-${size.name}`)).status).toBe(200);
	});

	it('says a module no guest rule names is disabled for guests, as the API then answers for a guest: hidden in check, refused in consume, limit 0 in the balance', async () => {
		await page.goto('/admin/limits');
		// The demo gives members AI Forms and nothing to guests; Bot training shows as inactive when nothing is left.
		const forms = page.getByRole('region', { name: 'AI Forms' });
		await forms.getByText('A guest gets no free tokens: they need an account.').waitFor();
		// Guests get none of it: running out is said of members alone.
		await forms.getByText('When the free tokens of a user run out and no balance is left: the limit message shows.').waitFor();
		const bots = page.getByRole('region', { name: 'Bot training' });
		await bots.getByText('A guest gets no free tokens: they need an account.').waitFor();
		// Nobody has free tokens of it to run out of: members pay, and it hides once their balance is empty.
		await bots.getByText('A user gets no free tokens: they pay from their balance, and once it is empty Bot training shows as inactive.').waitFor();
		await expect(bots.getByText('When the free tokens').count()).resolves.toBe(0);
		await forms.evaluate((card) => card.scrollIntoView({ block: 'start' }));
		await screen(page, `admin-limits-guests-${size.name}`);
		await expectSound(page);

		const guest = `e2e-nothing-${size.name}`;
		const api = (path: string, body?: object) =>
			fetch(`${baseURL()}/api/v1/${path}`, {
				method: body ? 'POST' : 'GET',
				headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'content-type': 'application/json', 'idempotency-key': `e2e-${guest}-${path}-${Date.now()}` },
				body: body && JSON.stringify(body)
			});
		for (const feature of ['form_answer', 'training', 'image_generation']) {
			expect(await (await api('check', { guest, feature, units: 10 })).json()).toMatchObject({ allowed: false, active: false, reason: 'feature_disabled' });
			const refused = await api('consume', { guest, feature, units: 10 });
			expect(refused.status).toBe(403);
			expect(await refused.json()).toMatchObject({ error: 'feature_disabled' });
		}
		const balance = (await (await api(`balance?guest=${guest}`)).json()) as { allowances: { module: string; limit: number | null }[] };
		expect(balance.allowances.filter((a) => a.limit === 0).map((a) => a.module)).toEqual(['bots', 'forms', 'images', 'product']);
		expect(balance.allowances.find((a) => a.module === 'chat')).toMatchObject({ limit: 2000 });
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

	it('saves the team member cap default beside the team pool default, says it in the audit log in words, and names each role field by the role’s name', async () => {
		await page.goto('/admin/limits');
		await expect(facts(page)).resolves.toMatch(/Each team member's daily cap \(default\)\s+None/);
		try {
			await saveMemberCap(page, '750');
			await page.reload();
			await expect(facts(page)).resolves.toMatch(/Each team member's daily cap \(default\)\s+750 tokens a day/);
			// The audit log says it as the page does: the field by its name, the figures as figures.
			await page.goto('/admin/audit?action=site.settings_updated');
			const row = page.getByRole('listitem').filter({ hasText: 'Site settings changed' }).first().getByRole('row').filter({ hasText: "Each team member's daily cap (default, tokens)" });
			await row.waitFor();
			await expect(row.getByRole('cell').allTextContents()).resolves.toEqual(['None', '750']);
		} finally {
			await saveMemberCap(page, '');
		}
		await expect(facts(page)).resolves.toMatch(/Each team member's daily cap \(default\)\s+None/);
		// The demo's chat limits are role-based: one field per role of the Roles page's list, by its name.
		await editChat(page);
		await expect(chatForm(page).getByLabel('Author (tokens)').inputValue()).resolves.toBe('20000');
		await expect(chatForm(page).getByLabel('Member (tokens)').count()).resolves.toBe(1);
		await chatForm(page).getByRole('button', { name: 'Cancel' }).click();
		await expect(chatForm(page).count()).resolves.toBe(0);
	});

	it("sets the low balance share: the card says it, a share that is no whole percentage is refused under its field, and the API's level follows it", async () => {
		await page.goto('/admin/limits');
		await expect(facts(page)).resolves.toMatch(/Low balance below\s+20% left/);
		// A host's user with half of 1,000 tokens left (Search images: a module with no free allowance).
		const user = `e2e-low-share-${size.name}-${Date.now().toString(36)}`;
		expect((await siteApi('grants', { user, tokens: 1000, source: 'bonus', note: 'Low share test' })).status).toBe(201);
		expect((await siteApi('consume', { user, feature: 'search_images', units: 50 })).status).toBe(200);
		const level = async () => ((await (await siteApi('check', { user, feature: 'search_images', units: 1 })).json()) as { level: string }).level;
		expect(await level()).toBe('ok');
		const share = siteForm(page).getByLabel('Low balance below (% of the allocation left)');
		const save = async (typed: string) => {
			if (!(await siteForm(page).count())) await siteCard(page).getByRole('button', { name: /^Edit/ }).click();
			await share.fill(typed);
			await siteForm(page).getByRole('button', { name: 'Save site settings' }).click();
		};
		try {
			await save('150');
			await expectNoteBeside(share, 'The low balance share is a whole percentage from 1 to 99.');
			await expect(share.getAttribute('aria-invalid')).resolves.toBe('true');
			await screen(page, `admin-limits-low-share-refused-${size.name}`);
			await save('60%');
			await siteCard(page).getByText('Site settings saved. Recorded in the audit log.').waitFor();
			await expect(facts(page)).resolves.toMatch(/Low balance below\s+60% left/);
			// 490 of 1,000 left after the check's use: under 60 %, the light is yellow.
			expect(await level()).toBe('low');
		} finally {
			await save('20');
			await siteCard(page).getByText('Site settings saved. Recorded in the audit log.').waitFor();
		}
		expect(await level()).toBe('ok');
	});

	it('fits every module and the site’s settings in a few screens, each form one Edit away; a zone is found by typing, and Cancel keeps what was saved', async () => {
		await page.goto('/admin/limits');
		await chatCard(page).waitFor();
		// Every module's card says what each audience gets and what its rollover does.
		const modules = page.getByRole('region').filter({ has: page.getByRole('button', { name: /^Edit limits of / }) });
		await expect(modules.count()).resolves.toBeGreaterThanOrEqual(5); // the demo's, and any a test added
		for (const card of await modules.all()) await expect(card.innerText()).resolves.toMatch(/A guest gets[\s\S]*Rollover:/);
		await expect(facts(page)).resolves.toMatch(/Time zone\s+UTC\s+Week starts on\s+Monday/);
		const height = await page.evaluate(() => document.documentElement.scrollHeight);
		expect(height).toBeLessThan(4 * 844); // was 9,100 px, the forms of every module open at once
		await screen(page, `admin-limits-summary-${size.name}`);
		await expectSound(page);

		await siteCard(page).getByRole('button', { name: /^Edit/ }).click();
		const zone = siteForm(page).getByRole('combobox', { name: 'Time zone' });
		await zone.click();
		await zone.fill('addis');
		await page.getByRole('option', { name: /^Addis Ababa time \(UTC\+3\)/ }).click();
		await expect(zone.inputValue()).resolves.toBe('Addis Ababa time (UTC+3)');
		await screen(page, `admin-limits-site-form-${size.name}`);
		await expectSound(page);
		// What is typed is taken without a click in the list (WAI-ARIA's combobox): an IANA id on Tab, one match on Enter.
		await zone.fill('Europe/Berlin');
		await zone.press('Tab');
		await expect(zone.inputValue()).resolves.toBe('Berlin time (UTC+1)');
		await zone.fill('Asia/Tokyo');
		await zone.press('Enter');
		await expect(zone.inputValue()).resolves.toBe('Tokyo time (UTC+9)');
		// A text that names no zone stays in the field with what to do beside it, and Save says nothing was saved.
		await zone.fill('atlantis');
		await siteForm(page).getByRole('button', { name: 'Save site settings' }).click();
		const slip = 'No time zone matches “atlantis”: type a city, a zone\'s name such as Europe/Berlin or an offset like +5:30, then pick it from the list.';
		await expectNoteBeside(zone, slip);
		await expect(zone.getAttribute('aria-invalid')).resolves.toBe('true');
		await expect(zone.inputValue()).resolves.toBe('atlantis');
		await expect(page.getByText(/Site settings saved/).count()).resolves.toBe(0);
		await screen(page, `admin-limits-site-zone-refused-${size.name}`);
		// Escape gives the zone back as it was; typed again, the slip goes.
		await zone.press('Escape');
		await expect(zone.inputValue()).resolves.toBe('Tokyo time (UTC+9)');
		await expect(page.locator('#site-tz-note').count()).resolves.toBe(0);
		await siteForm(page).getByRole('button', { name: 'Cancel' }).click();
		await expect(facts(page)).resolves.toMatch(/Time zone\s+UTC\s/);
		// Back on the button that opened it (the keyboard's place is kept).
		await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('site-edit');
	});

	it("says under the zone who is told of a new one and when; a save that changes nothing says so, a new zone's says when members are told", async () => {
		await page.goto('/admin/limits');
		await siteCard(page).getByRole('button', { name: /^Edit/ }).click();
		const zone = siteForm(page).getByRole('combobox', { name: 'Time zone' });
		await zone.waitFor();
		await expect(siteForm(page).locator('#site-tz-hint').innerText()).resolves.toMatch(/^A new zone ends the free allowance windows whose start it moves: their use starts again from zero .* Members whose free allowances then reset at another time are told 5 minutes after you save/);
		await expect(zone.getAttribute('aria-describedby')).resolves.toContain('site-tz-hint');
		// Typed "UTC", the list offers UTC alone, not every zone whose label says its offset.
		await zone.fill('UTC');
		const options = page.getByRole('listbox', { name: 'Time zones' }).getByRole('option');
		await expect(options.count()).resolves.toBe(1);
		await expect(options.first().innerText()).resolves.toMatch(/^UTC\b/);
		await zone.press('Escape');
		await screen(page, `admin-limits-site-zone-hint-${size.name}`);
		await siteForm(page).getByRole('button', { name: 'Save site settings' }).click();
		await siteCard(page).getByText('Nothing changed: the site settings are as they were.').waitFor();
		try {
			await siteCard(page).getByRole('button', { name: /^Edit/ }).click();
			await zone.fill('Europe/Berlin');
			await zone.press('Tab');
			await siteForm(page).getByRole('button', { name: 'Save site settings' }).click();
			await siteCard(page).getByText('Site settings saved. Recorded in the audit log. Members whose free allowances now reset at another time are told in 5 minutes.').waitFor();
			await screen(page, `admin-limits-site-zone-saved-${size.name}`);
		} finally {
			// Put back within the quiet minutes: the move is taken back and no one is told.
			await siteCard(page).getByRole('button', { name: /^Edit/ }).click();
			await zone.fill('UTC');
			await zone.press('Enter');
			await siteForm(page).getByRole('button', { name: 'Save site settings' }).click();
			await siteCard(page).getByText(/^Site settings saved\./).waitFor();
		}
		await expect(facts(page)).resolves.toMatch(/Time zone\s+UTC\s/);
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
			// Named as the page names it, not by its key; a new rate said as one.
			await page.getByText('“Search prices” saved. Recorded in the audit log; the playground and the API charge the new rate from now on.').waitFor();
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
			await page.getByText('“Search prices” saved.').waitFor();
		}
	}, 120_000); // two browsers and two saves: slow on a busy machine

	it('refuses a breakdown that does not add up to the operation’s cost, and changes nothing', async () => {
		await page.goto('/admin/rates');
		const editor = await setRate(page, 'Generate all', '70');
		await editor.getByText('The parts add up to 65 tokens; the operation costs 70.').waitFor();
		await editor.getByRole('button', { name: 'Save feature' }).click();
		await editor.getByRole('alert').getByText('The breakdown adds up to 65 tokens, but the operation costs 70.').waitFor();
		await page.getByRole('row', { name: /Generate all/ }).getByText('65 per operation').waitFor();
		// Corrected, the refusal of what was sent goes: it is no longer true.
		await editor.getByLabel('Tokens per operation').fill('65');
		await expect(editor.getByRole('alert').count()).resolves.toBe(0);
		// One token is one token.
		await editor.getByLabel('Tokens per operation').fill('1');
		await editor.getByText(/× 1 = 1 token$/).waitFor();
	});

	it("a new feature's empty rate is not called a mistake until Add, then it is said under the field; a key another feature has is refused, never saved over it", async () => {
		await page.goto('/admin/rates');
		await page.getByRole('button', { name: 'New feature' }).click();
		const editor = page.getByRole('form', { name: 'New feature' });
		const rate = editor.locator('#f-rate');
		await expect(rate.getAttribute('aria-invalid')).resolves.toBeNull();
		await expect(editor.getByText(/^Tokens per unit: above 0/).count()).resolves.toBe(0);
		// All empty: the first field's slip first, the key's rule under it, nothing sent.
		await editor.getByRole('button', { name: 'Add feature' }).click();
		await expectNoteBeside(editor.getByLabel('Key'), CATALOG_KEY_RULE);
		await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('f-key');
		await editor.getByLabel('Key').fill('fresh_feature');
		await editor.getByRole('button', { name: 'Add feature' }).click();
		await expectNoteBeside(rate, 'Tokens per unit: above 0, at most 1,000,000, with at most 4 decimal places.');
		await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('f-rate');
		// A key another feature has: refused under the key, and that feature's live rate is not saved over.
		await editor.getByLabel('Key').fill('ai_bots');
		await editor.getByLabel('Name').fill('Something else');
		await rate.fill('9');
		await editor.getByRole('button', { name: 'Add feature' }).click();
		await expectNoteBeside(editor.getByLabel('Key'), 'The key “ai_bots” is already the feature “Chatbot reply”: choose another key, or edit that feature in the list.');
		await page.getByRole('row', { name: /Chatbot reply/ }).getByText('2.5 per word').waitFor();
		// Counted per model token, the form says it in the words the rates list and the audit use: "model token", never "token" alone.
		await editor.getByLabel('Unit').selectOption('token');
		await editor.getByLabel('Tokens per model token').fill('1.2');
		await editor.getByLabel('Model tokens').fill('100');
		await editor.getByText(/^100 model tokens × 1\.2 = 120 tokens$/).waitFor();
		await editor.scrollIntoViewIfNeeded();
		await screen(page, 'admin-rates-model-token-phone');
		// "1,500" is 1500 or 1.5: said in the preview and beside the field, nothing sent (it was saved as 1.5 under "× 1,500 = 12 tokens").
		const unclear = '“1,500” could be 1500 or 1.5: type it without the comma, or with a point.';
		await editor.getByLabel('Tokens per model token').fill('1,500');
		await editor.getByText(`No cost to show: ${unclear}`).waitFor();
		await editor.getByRole('button', { name: 'Add feature' }).click();
		await expectNoteBeside(rate, `Tokens per unit: ${unclear}`);
		await screen(page, 'admin-rates-unclear-rate-phone');
		// The preview multiplies by the rate saved, written as the list writes it.
		await editor.getByLabel('Tokens per model token').fill('1500');
		await editor.getByText(/^100 model tokens × 1,500 = 150,000 tokens$/).waitFor();
		await editor.getByRole('button', { name: 'Cancel' }).click();
	});

	it('needs a connection, and keeps none of what it shows on the device', async () => {
		// As the installed app: its service worker is what could keep a copy.
		const { context, page } = await openAs(admin.email, installed);
		try {
			await page.goto('/admin/limits');
			await waitForServiceWorker(page);
			await chatCard(page).waitFor();
			await context.setOffline(true);
			await page.getByText('The admin console needs a connection').waitFor();
			await expect(chatCard(page).count()).resolves.toBe(0);
			const stored = await deviceStorage(page);
			expect(stored.caches.length, 'the service worker\'s caches').toBeGreaterThan(0);
			expect(stored.idb + stored.cached).not.toContain('Chat is for members');
		} finally {
			await context.close();
		}
	});
});

describe('the Limits form’s limit message', () => {
	for (const size of sizes) {
		it(`is shown whole while it is edited on a ${size.name}: the box is as tall as the message, growing and shrinking with it`, async () => {
			const { page } = await adminPage(size);
			await page.goto('/admin/limits');
			await editChat(page);
			const box = chatForm(page).getByLabel('Limit message', { exact: true });
			/** No line of the message hidden behind the box's scrollbar. */
			const whole = () => box.evaluate((e) => e.scrollHeight <= e.clientHeight);
			const height = async () => (await box.boundingBox())!.height;
			await expect(whole()).resolves.toBe(true); // the saved message, as the form opens
			const long = Array.from({ length: 6 }, (_, i) => `Sentence ${i + 1} of a long limit message that a member reads when the free chat tokens are gone.`).join(' ');
			await box.fill(long);
			await expect.poll(whole).toBe(true);
			const tall = await height();
			await box.evaluate((e) => e.scrollIntoView({ block: 'center' }));
			await screen(page, `admin-limits-message-${size.name}`);
			await expectSound(page);
			await box.fill('Buy tokens to keep chatting.');
			await expect.poll(height).toBeLessThan(tall);
			await expect(whole()).resolves.toBe(true);
			await chatForm(page).getByRole('button', { name: 'Cancel' }).click(); // nothing saved
		});
	}
});

// Rates at a desktop's width is admin.test.ts' tables tour (admin-tables-rates-desktop), which waits for the same
// features table; the Overview's there waits only for its revenue, so its parts further down are looked at here.
describe('the admin Overview and Limits on a desktop', () => {
	it('shows each page whole, fitting the screen', async () => {
		const { page } = await adminPage(sizes[1]);
		await tour(page, [
			{ path: '/admin', ready: page.getByRole('heading', { name: 'Top features' }), name: 'admin-overview-desktop' },
			{ path: '/admin/limits', ready: chatCard(page), name: 'admin-limits-desktop' }
		]);
	});
});
