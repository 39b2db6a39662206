import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, ConsoleMessage, Page, Request, Route } from 'playwright-core';
import { baseURL, launch, screenshot } from './browser';
import { expectNoteBeside, onScreen, screen, sessionCookies, signUp } from './app';
import { expectSound, openAt, scrollUntilShown, sizes, tour } from './console';

// The console's Catalog, Bonuses, Payments and Roles pages, the CSV exports and a member's own API
// keys: each behaviour at a phone's size, and a desktop's look of each page with the catalog's form
// beside its list. The member is a new sign-up, so the demo users that other test files count on keep
// their balances and roles.
const admin = { email: 'admin@quota.test' };
const size = sizes[0]; // the phone
const run = Date.now().toString(36);

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

const restStatus = async (key: string) => (await fetch(`${baseURL()}/api/v1/feature-rates`, { headers: { authorization: `Bearer ${key}` } })).status;

/** Pays in the simulator's checkout sheet. */
async function pay(page: Page, total: string) {
	const sheet = page.frameLocator('iframe[title="Checkout"]');
	await sheet.locator('button:enabled', { hasText: `Pay ${total}` }).waitFor();
	await sheet.getByRole('button', { name: `Pay ${total}` }).click();
}

/** Every user id the Users page lists, read page by page through its own tRPC query. */
async function listedUserIds(page: Page): Promise<string[]> {
	return page.evaluate(async () => {
		const ids: string[] = [];
		for (let cursor: string | null = null, first = true; first || cursor; first = false) {
			const input = encodeURIComponent(JSON.stringify({ sort: 'name', cursor }));
			const body = (await (await fetch(`/trpc/admin.users.list?input=${input}`)).json()) as { result: { data: { rows: { kind: string; userId: string | null }[]; nextCursor: string | null } } };
			ids.push(...body.result.data.rows.filter((r) => r.kind === 'user').map((r) => r.userId!));
			cursor = body.result.data.nextCursor;
		}
		return ids;
	});
}

describe(`the console's catalog, campaigns, payments, roles and exports on a ${size.name}`, () => {
	let adminContext: BrowserContext;
	let page: Page;
	let memberContext: BrowserContext;
	let member: Page;
	const person = { name: `Erin ${size.name} ${run}`, email: `erin-${size.name}-${run}@example.com`, password: 'e2e-Passw0rd!' };

	beforeAll(async () => {
		adminContext = await browser.newContext({ ...size.options, baseURL: baseURL(), acceptDownloads: true });
		await adminContext.addCookies(sessionCookies(admin.email));
		page = await adminContext.newPage();
		memberContext = await browser.newContext({ ...size.options, baseURL: baseURL() });
		member = await memberContext.newPage();
		await signUp(member, person.name, person.email, person.password);
	});
	afterAll(async () => {
		await adminContext?.close();
		await memberContext?.close();
	});

	it('refuses a member: each page says so, each export answers 403 (401 signed out) with no rows', async () => {
		for (const path of ['/admin/catalog', '/admin/bonuses', '/admin/payments', '/admin/roles']) {
			await member.goto(path);
			await member.getByText('Only site admins can open the admin console').waitFor();
		}
		const statuses = await member.evaluate(async () =>
			Promise.all(['users', 'teams', 'audit', 'operations?from=2000-01-01&to=2100-01-01'].map(async (k) => (await fetch(`/admin/exports/${k}`)).status))
		);
		expect(statuses).toEqual([403, 403, 403, 403]);
		// The address opened itself (a pasted link): a page that says so, not a JSON body.
		const opened = await member.goto('/admin/exports/users');
		expect(opened!.status()).toBe(403);
		await member.getByRole('heading', { name: 'Error 403' }).waitFor();
		await member.getByText('Only site admins can export.').waitFor();
		await expect(member.getByText('"error"').count()).resolves.toBe(0);
		await screen(member, 'admin-export-refused-member-phone');
		const signedOut = await fetch(`${baseURL()}/admin/exports/users`);
		expect(signedOut.status).toBe(401);
		expect(await signedOut.text()).not.toContain('@quota.test');
	});

	it('adds a pack on the Catalog page, previews it, and the member buys it through the simulator; Payments shows it applied', async () => {
		const name = `E2E pack ${size.name} ${run}`;
		await page.goto('/admin/catalog');
		await page.getByRole('heading', { name: 'Packages', exact: true }).waitFor();
		// The store groups packages by kind; the list's order is the order within each.
		await page.getByText('The store shows them by kind (token packs, model packs, bundles, subscriptions), each kind in this list\'s order.').waitFor();
		// Side by side, Name and Id are one row: the Id's hint under it does not stretch the Name's input.
		// Measured together once the packages are listed (the list above the form on a phone grows as it loads).
		await page.getByRole('button', { name: 'Edit' }).first().waitFor();
		const [nameBox, idBox] = await page.evaluate(() => ['pkg-name', 'pkg-id'].map((id) => document.getElementById(id)!.getBoundingClientRect().toJSON() as DOMRect));
		expect(nameBox!.height).toBe(idBox!.height);
		expect(nameBox!.y).toBe(idBox!.y);
		// On a phone the form is under the list, and a button leads down to it (a desktop's form is beside the list: below).
		await expect(page.getByRole('button', { name: 'Add a package' }).isVisible()).resolves.toBe(true);
		await page.getByLabel('Name', { exact: true }).fill(name);
		await page.getByLabel('Id', { exact: true }).fill(`e2e-${size.name}-${run}`);
		await page.getByLabel('Price', { exact: true }).fill('3.50');
		await page.getByLabel('Tokens', { exact: true }).fill('1,234');
		// The model's select shows its whole option: full width on a phone (under Tokens), wide enough beside it on a desktop.
		const select = page.getByLabel('Model', { exact: true });
		expect(await select.evaluate((el: HTMLSelectElement) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().width >= 200)).toBe(true);
		await select.scrollIntoViewIfNeeded();
		// No price id to make up: left empty, adding the package makes its price in the simulator, as the form says.
		await expect(page.getByLabel('Paddle price id, sandbox').getAttribute('placeholder')).resolves.toBe('Made on adding');
		await page.getByText('Leave “Paddle price id, sandbox” empty: adding the package makes its price in the local Paddle simulator this site sells through.').scrollIntoViewIfNeeded();
		await screen(page, 'admin-catalog-form-phone');
		// Priced below the demo's Token pack ($5.00 for 5,000), it would be the plans' yardstick: the form says
		// what their "Save N%" would become before anything is saved; at $3.50 it moves none, and says nothing.
		await page.getByLabel('Price', { exact: true }).fill('0.99');
		const savings = page.getByText('Saving this changes: Monthly plan “Save 25%” → “Save 6%”, Annual plan “Save 40%” → “Save 25%”.');
		await savings.waitFor();
		await page.getByRole('button', { name: 'Add package' }).scrollIntoViewIfNeeded();
		await screen(page, 'admin-catalog-savings-phone');
		await page.getByLabel('Price', { exact: true }).fill('3.50');
		await savings.waitFor({ state: 'detached' });
		await page.getByRole('button', { name: 'Add package' }).click();
		const saved = page.getByText(`“${name}” is saved and on sale. Its Paddle price `);
		const made = (await saved.textContent())!.match(/pri_01[a-z0-9]{24}/)![0];
		await saved.scrollIntoViewIfNeeded();
		await screen(page, 'admin-catalog-price-made-phone');
		await page.getByRole('listitem').filter({ hasText: name }).locator('code', { hasText: made }).waitFor();
		const preview = page.getByRole('region', { name: 'What a buyer sees' });
		await preview.getByText(name).waitFor();
		await page.evaluate(() => window.scrollTo(0, 0));
		await screen(page, `admin-catalog-${size.name}`);
		await preview.scrollIntoViewIfNeeded();
		await screen(page, `admin-catalog-preview-${size.name}`);
		await expectSound(page);

		await member.goto('/store');
		const offer = member.getByRole('listitem').filter({ has: member.getByRole('heading', { name, exact: true }) });
		await offer.getByRole('button', { name: 'Buy · $3.50' }).click();
		// A declined card first, then paid: Paddle's payment_failed, then the completion.
		const sheet = member.frameLocator('iframe[title="Checkout"]');
		await sheet.getByRole('button', { name: 'Simulate a declined card' }).click();
		await sheet.getByText('Your card was declined.').waitFor();
		await pay(member, '$3.50');
		await member.getByText('Tokens added: +1,234').waitFor({ timeout: 20_000 });

		await page.goto('/admin/payments');
		// What "Flagged" holds, as the Overview's flags count it: a partial refund is one, for the admin to decide on.
		await page.getByText(/^Every notification Paddle sent.*a partial refund or a credit \(Quota takes no tokens back for them: you decide\)/).waitFor();
		const event = page.getByRole('listitem').filter({ hasText: person.name }).filter({ hasText: 'transaction.completed' });
		await event.first().waitFor();
		await expect(event.first().getByText('Applied', { exact: true }).isVisible()).resolves.toBe(true);
		await expect(event.first().textContent()).resolves.toContain('+1,234 tokens');
		// The declined card's event says what it did to the order (failed), not the order's later status alone.
		const failed = page.getByRole('listitem').filter({ hasText: person.name }).filter({ hasText: 'transaction.payment_failed' });
		await expect(failed.first().textContent()).resolves.toMatch(/Order E2E pack .*Failed\s+· now completed/);
		await screen(page, `admin-payments-${size.name}`);
		await expectSound(page);
	}, 150_000); // two people, a checkout and four pages: longer than one step

	it('prices a package in yen as whole yen: 5.50 is refused beside the price, and ¥550 shows as ¥550 in the catalog, the store and the checkout', async () => {
		const name = `Yen pack ${run}`;
		await page.goto('/admin/catalog');
		await page.getByRole('button', { name: 'Edit' }).first().waitFor();
		await page.getByLabel('Name', { exact: true }).fill(name);
		await page.getByLabel('Id', { exact: true }).fill(`yen-${run}`);
		await page.getByLabel('Currency', { exact: true }).selectOption('JPY');
		await page.getByLabel('Price', { exact: true }).fill('5.50');
		await page.getByLabel('Tokens', { exact: true }).fill('100');
		await page.getByLabel('Paddle price id, sandbox').fill(`pri_yen_${run}`);
		await page.getByRole('button', { name: 'Add package' }).click();
		await expectNoteBeside(page.locator('#pkg-price'), 'Yen has no smaller unit: type a whole number of yen.');
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('pkg-price');
		await expect(page.getByRole('listitem').filter({ hasText: name }).count()).resolves.toBe(0);
		await screen(page, 'admin-catalog-yen-decimals-phone');

		await page.getByLabel('Price', { exact: true }).fill('550');
		await page.getByRole('button', { name: 'Add package' }).click();
		await page.getByText(`“${name}” is saved and on sale.`).waitFor();
		const listed = page.getByRole('listitem').filter({ has: page.locator('code', { hasText: new RegExp(`^yen-${run}$`) }) });
		await expect(listed.textContent()).resolves.toContain('¥550');
		// Taken off sale from the list, the form's "… is saved and on sale." goes with it: it is no longer true.
		// The button names its package ("Take off sale: …", one name, not "Take off sale : …").
		await listed.getByRole('button', { name: `Take off sale: ${name}`, exact: true }).click();
		await page.getByText(`“${name}” is off sale; who bought it keeps what they got.`).waitFor();
		await expect(page.getByText(`“${name}” is saved and on sale.`).count()).resolves.toBe(0);
		await screen(page, 'admin-catalog-off-sale-phone');
		await listed.getByRole('button', { name: `Put on sale: ${name}`, exact: true }).click();
		await page.getByText(`“${name}” is on sale.`).waitFor();
		const preview = page.getByRole('region', { name: 'What a buyer sees' }).getByRole('listitem').filter({ hasText: name });
		await expect(preview.textContent()).resolves.toMatch(/¥550 · ¥5,500 per 1,000/);
		// Edited again, the form shows the price as it was typed: 550, not 5.50.
		await listed.getByRole('button', { name: 'Edit' }).click();
		await expect(page.getByLabel('Price', { exact: true }).inputValue()).resolves.toBe('550');
		// A new price is said before saving: what Paddle gets and what buyers pay (a pack has no subscribers).
		await page.getByLabel('Price', { exact: true }).fill('600');
		await page.getByText('Saving makes a new Paddle price of ¥600 and archives the one of ¥550. Buyers pay ¥600 from now on; purchases already made keep what they paid.').waitFor();
		await page.locator('#pkg-reprice').scrollIntoViewIfNeeded();
		await screen(page, 'admin-catalog-new-price-phone');
		await page.getByRole('button', { name: 'Cancel' }).click();

		await member.goto('/store');
		const offer = member.getByRole('listitem').filter({ has: member.getByRole('heading', { name, exact: true }) });
		await offer.getByText('¥5,500 per 1,000 tokens').waitFor();
		await offer.scrollIntoViewIfNeeded();
		await screen(member, 'store-yen-pack-phone');
		await offer.getByRole('button', { name: 'Buy · ¥550' }).click();
		await member.frameLocator('iframe[title="Checkout"]').locator('button:enabled', { hasText: 'Pay ¥550' }).waitFor();
		await screen(member, 'store-yen-checkout-phone');
		await expectSound(member);
		// Ordered now (its checkout, not paid, is an order), since the list was read: the server refuses Delete, said in
		// the package's row where Delete was pressed (newcomer walk 6: at the page's top, off a phone's screen), saying
		// why, not as a purchase, and that off sale is the way.
		await listed.getByRole('button', { name: `Delete ${name}…` }).click();
		await listed.getByRole('button', { name: 'Delete it' }).click();
		const kept = `“${name}” had 1 checkout opened for it and not paid: its orders and Paddle's records name it, so it cannot be deleted. Take it off sale instead: nobody can buy it then, and who bought it keeps what they got.`;
		await listed.getByRole('alert').filter({ hasText: kept }).waitFor();
		await expect(page.getByRole('alert').filter({ hasText: kept }).count()).resolves.toBe(1);
		await expect(listed.count()).resolves.toBe(1);
		await screen(page, 'admin-catalog-delete-refused-phone');
		// A list read since knows it: Delete says so at once, in the same words, asking nothing and sending nothing.
		await page.reload();
		const removes: string[] = [];
		const onRemove = (r: Request) => void (r.url().includes('admin.catalog.remove') && removes.push(r.url()));
		page.on('request', onRemove);
		await listed.getByRole('button', { name: `Delete ${name}…` }).click();
		await listed.getByRole('alert').filter({ hasText: kept }).waitFor();
		await expect(listed.getByRole('button', { name: 'Delete it' }).count()).resolves.toBe(0);
		page.off('request', onRemove);
		expect(removes).toEqual([]);
	}, 120_000);

	it('refuses adding a package under a taken id: said beside the id with nothing sent; one taken meanwhile the server refuses, said in the form and the list read again; no console error', async () => {
		const consoleErrors: string[] = [];
		const onConsole = (m: ConsoleMessage) => void (m.type() === 'error' && consoleErrors.push(m.text()));
		const sent: string[] = [];
		const onRequest = (r: Request) => void (r.method() === 'POST' && r.url().includes('/trpc/') && sent.push(new URL(r.url()).pathname));
		// The page's first list lacks the demo's token pack, as one read before another admin added it would.
		const products = /\/trpc\/[^?]*store\.admin\.products/;
		const stale = async (route: Route) => {
			const response = await route.fetch();
			const calls = new URL(route.request().url()).pathname.slice('/trpc/'.length).split(',');
			const answers = (await response.json()) as { result: { data: { id: string }[] } }[];
			const list = answers[calls.indexOf('store.admin.products')]!.result;
			list.data = list.data.filter((p) => p.id !== 'tokens-5k');
			await route.fulfill({ response, json: answers });
		};
		const stored = () => page.evaluate(async () => ((await (await fetch('/trpc/store.admin.products')).json()) as { result: { data: { id: string; name: string; priceCents: number }[] } }).result.data);
		page.on('console', onConsole);
		page.on('request', onRequest);
		await page.route(products, stale);
		try {
			const name = `Taken id ${size.name} ${run}`;
			await page.goto('/admin/catalog');
			await page.getByRole('button', { name: 'Edit' }).first().waitFor();
			await page.getByLabel('Name', { exact: true }).fill(name);
			await page.getByLabel('Price', { exact: true }).fill('1.00');
			await page.getByLabel('Tokens', { exact: true }).fill('10');
			const id = page.getByLabel('Id', { exact: true });
			// An id the server would refuse is said beside it in the form's words, not the browser's "match the requested format".
			await id.fill('Token Pack');
			await page.getByRole('button', { name: 'Add package' }).click();
			await page.locator('#pkg-id-note').filter({ hasText: 'The id is 2 to 63 lower-case letters, digits and dashes, starting with a letter or digit, like token-pack.' }).waitFor();
			expect(await page.evaluate(() => document.activeElement?.id)).toBe('pkg-id');
			expect(sent).toEqual([]);
			await screen(page, 'admin-catalog-id-slip-phone');
			await id.fill('gpt-5-nano-50k');
			const note = page.getByText(/^The id “gpt-5-nano-50k” is already the package “.+”: pick another id, or edit that package in the list\.$/);
			await note.waitFor();
			expect(await id.getAttribute('aria-invalid')).toBe('true');
			expect(await id.getAttribute('aria-describedby')).toContain(await note.getAttribute('id'));
			await page.getByRole('button', { name: 'Add package' }).click();
			expect(await page.evaluate(() => document.activeElement?.id)).toBe('pkg-id');
			expect(sent).toEqual([]);
			await note.scrollIntoViewIfNeeded();
			await screen(page, 'admin-catalog-id-taken-phone');
			await expectSound(page);

			// An id the page's list does not have (another admin took it meanwhile): sent, refused, nothing saved over.
			await id.fill('tokens-5k');
			await expect(note.count()).resolves.toBe(0);
			await page.unroute(products, stale);
			const before = await stored();
			const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/trpc/store.admin.createProduct');
			await page.getByRole('button', { name: 'Add package' }).click();
			const refused = await answer;
			expect(refused.status()).toBe(200);
			expect(await refused.json()).toMatchObject([{ error: { data: { code: 'CONFLICT', httpStatus: 409, domainCode: 'conflict' } } }]);
			// Said once, beside the id (in view, the id focused), with the list read again (the token pack listed).
			const refusal = /^The id “tokens-5k” is already the package “.+”: pick another id, or edit that package in the list\.$/;
			await page.locator('#package-form #pkg-id-note').filter({ hasText: refusal }).waitFor();
			await expect(page.getByText(refusal).count()).resolves.toBe(1);
			await page.getByRole('listitem').filter({ has: page.locator('code', { hasText: /^tokens-5k$/ }) }).waitFor();
			expect(await page.evaluate(() => document.activeElement?.id)).toBe('pkg-id');
			await screen(page, 'admin-catalog-id-taken-meanwhile-phone');
			expect(sent).toEqual(['/trpc/store.admin.createProduct']);
			expect(await stored()).toEqual(before);
			// While the id stops the save, no "Saving this changes": the walk's $3 for 1,000 under the Token pack's id
			// previewed the plans' "Save N%" as if it replaced that pack. Nothing is asked either.
			const asked: string[] = [];
			const onAsk = (r: Request) => void (r.url().includes('admin.catalog.savings') && asked.push(r.url()));
			page.on('request', onAsk);
			await page.getByLabel('Price', { exact: true }).fill('3');
			await page.getByLabel('Tokens', { exact: true }).fill('1,000');
			await page.waitForTimeout(800); // longer than the preview's 300 ms pause in typing
			page.off('request', onAsk);
			expect(asked).toEqual([]);
			await expect(page.getByText(/^Saving this changes/).count()).resolves.toBe(0);
			// Added under a free id by mistake and never ordered, it can be deleted from the list, asked once more first.
			await id.fill(`taken-${run}`);
			await page.getByRole('button', { name: 'Add package' }).click();
			// With no sandbox price id typed, adding made its price in the simulator: on sale, and deleting it archives that price.
			await page.getByText(`“${name}” is saved and on sale. Its Paddle price pri_01`).waitFor();
			const added = page.getByRole('listitem').filter({ has: page.locator('code', { hasText: new RegExp(`^taken-${run}$`) }) });
			await expect(added.getByText('On sale', { exact: true }).isVisible()).resolves.toBe(true);
			await expect(added.locator('code', { hasText: /^pri_01/ }).count()).resolves.toBe(1);
			await added.getByRole('button', { name: `Delete ${name}…` }).click();
			await added.getByRole('group', { name: `Delete “${name}”? It leaves the store and its Paddle price is archived; only a package never ordered can be deleted.` }).getByRole('button', { name: 'Delete it' }).click();
			await page.getByRole('status').filter({ hasText: `“${name}” is deleted.` }).waitFor();
			await expect(added.count()).resolves.toBe(0);
			expect((await stored()).map((p) => p.id)).not.toContain(`taken-${run}`);
			await screen(page, 'admin-catalog-deleted-phone');
			expect(consoleErrors).toEqual([]);
		} finally {
			await page.unroute(products, stale);
			page.off('console', onConsole);
			page.off('request', onRequest);
		}
	});

	it('grants an event bonus to a role once despite a double press, and a member of that role sees it labelled on the dashboard', async () => {
		const role = `testers-${size.name}-${run}`;
		await page.goto('/admin/roles');
		await page.getByLabel('Key').fill(role);
		await page.getByLabel('Name', { exact: true }).fill(`E2E testers ${size.name} ${run}`);
		await page.getByRole('button', { name: 'Add role' }).click();
		await page.getByText(`Role “E2E testers ${size.name} ${run}” (${role}) is saved.`).waitFor();
		// Adding again under the same key is refused beside the field, in view, and renames nothing.
		await page.getByLabel('Key').fill(role);
		await page.getByLabel('Name', { exact: true }).fill('Someone else');
		await page.getByRole('button', { name: 'Add role' }).click();
		const refusal = page.getByRole('alert').filter({ hasText: `The key “${role}” is already the role “E2E testers ${size.name} ${run}”` });
		await refusal.waitFor();
		// Nothing covers it: not the sticky top bar, not the phone's tab bar.
		const inView = await refusal.evaluate((el) => {
			const r = el.getBoundingClientRect();
			return [r.top + 2, r.bottom - 2].every((y) => el.contains(document.elementFromPoint(r.left + r.width / 2, y)));
		});
		expect(inView).toBe(true);
		await screen(page, `admin-roles-refused-${size.name}`);
		await expect(page.getByText('Someone else').count()).resolves.toBe(0);
		await screen(page, `admin-roles-${size.name}`);
		await expectSound(page);

		await page.goto('/admin/users');
		await page.getByLabel('Search').fill(person.email);
		// The search's answer first: a click while the unfiltered list gives way to it can land on another row.
		await page.getByText(`1 account matching “${person.email}”`).waitFor();
		await page.getByRole('link', { name: person.name }).click();
		await page.getByRole('heading', { level: 1, name: person.name }).waitFor();
		await page.getByLabel('Site role').selectOption(role);
		await page.getByRole('button', { name: 'Save role' }).click();
		await page.getByText(`Role is now E2E testers ${size.name} ${run}.`).waitFor();
		await screen(page, `admin-user-detail-role-${size.name}`);
		// Held now: the Roles page says, in the row, what to do before it can be removed, and offers no Remove.
		await page.goto('/admin/roles');
		const held = page.getByRole('listitem').filter({ has: page.locator('code', { hasText: new RegExp(`^${role}$`) }) });
		await held.getByText(`1 user has the role “E2E testers ${size.name} ${run}”: give them another role first.`).waitFor();
		await expect(held.getByRole('button', { name: /^Remove/ }).count()).resolves.toBe(0);
		await held.scrollIntoViewIfNeeded();
		await screen(page, `admin-roles-held-${size.name}`);
		await page.goBack();
		await page.getByRole('heading', { level: 1, name: person.name }).waitFor();
		const statement = page.getByRole('table', { name: 'Statement' });
		await scrollUntilShown(page, statement); // the records under the bonus form
		await statement.getByRole('row').filter({ hasText: `E2E pack ${size.name} ${run}` }).waitFor();
		await statement.scrollIntoViewIfNeeded();
		await screen(page, `admin-user-detail-statement-${size.name}`);
		await expectSound(page);

		const note = `Launch party ${size.name} ${run}`;
		await page.goto('/admin/bonuses');
		await page.getByLabel('Users with a role').check();
		await page.getByLabel('Role', { exact: true }).selectOption(role);
		// A slip in the amount reads as the rule beside the field, not as a grant of it ("Grants -5 tokens"); too many digits is the maximum.
		const amount = page.getByLabel('Tokens each');
		for (const [typed, said] of [
			['-5', 'The amount is a whole number of tokens from 1 to 1,000,000,000,000.'],
			['99999999999999999999', 'The amount is at most 1,000,000,000,000 tokens.']
		] as const) {
			await amount.fill(typed);
			await expectNoteBeside(amount, said);
		}
		await screen(page, `admin-bonuses-amount-refused-${size.name}`);
		await expect(page.getByText(/Grants -5|Grants 99/).count()).resolves.toBe(0);
		await page.getByLabel('Tokens each').fill('321');
		await page.getByText(/^Grants 321 tokens to every enabled user with the role/).waitFor();
		// A day already over, and no note: said beside each before the confirm step, nothing asked of the server.
		const expires = page.getByLabel('Expires', { exact: true });
		await expires.fill('2020-01-01');
		await page.getByRole('button', { name: 'Grant event bonus…' }).click();
		await page.locator('#camp-expires-note').filter({ hasText: 'The expiry must be in the future: pick today or a later day, or leave it empty for never.' }).waitFor();
		await page.locator('#camp-note-note').filter({ hasText: 'Add a note: users see it with the tokens.' }).waitFor();
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('camp-expires');
		await expect(page.getByText(/This grants 321 tokens/).count()).resolves.toBe(0);
		await screen(page, `admin-bonuses-past-expiry-${size.name}`);
		// A day of the site's calendar (UTC, the demo's), named so, whatever zone this device is in.
		await expires.fill('2027-12-12');
		await page.getByText(/The tokens expire at the end of Dec 12, 2027, UTC\.$/).waitFor();
		await screen(page, `admin-bonuses-expiry-words-${size.name}`);
		await expires.fill('');
		// A note that reorders the text after it is refused beside it in the server's words, before the count is asked
		// and confirmed (the confirm step showed it reversed, "live", and Send was then refused).
		await page.getByLabel('Note shown to users').fill('\u202eevil');
		await page.getByRole('button', { name: 'Grant event bonus…' }).click();
		await page.locator('#camp-note-note').filter({ hasText: 'Note cannot hold a character that reorders the text after it (U+202E): it makes the text read as something else.' }).waitFor();
		await expect(page.getByText(/This grants 321 tokens/).count()).resolves.toBe(0);
		await page.getByLabel('Note shown to users').fill(note);
		await page.getByRole('button', { name: 'Grant event bonus…' }).click();
		// Nothing goes out before the admin confirms the count of accounts it reaches, and says how they are told.
		// One account is said as one ("to 1 account"), not "to each of 1 account … 321 tokens in all".
		const confirm = (told: string) => page.getByText(new RegExp(`^This grants 321 tokens to 1 account \\(every enabled user with the role “.+”\\)\\. ${told} Send it\\?$`));
		await confirm('They are told in their alerts, and by e-mail if theirs are on\\.').waitFor();
		// This one goes out in the app only.
		await page.getByRole('button', { name: 'Change', exact: true }).click();
		await page.getByLabel('Also e-mail those whose e-mail alerts are on').uncheck();
		await page.getByRole('button', { name: 'Grant event bonus…' }).click();
		await confirm('They are told in their alerts in the app, not by e-mail\\.').waitFor();
		await screen(page, `admin-bonuses-confirm-${size.name}`);
		await expectSound(page);
		await page.getByRole('button', { name: 'Send to 1 account' }).dblclick();
		await page.getByText(`“${note}” reached 1 account: 321 tokens each.`).waitFor();
		const campaign = page.getByRole('listitem').filter({ hasText: note });
		await expect(campaign.count()).resolves.toBe(1);
		await expect(campaign.getByText('1 account', { exact: true }).isVisible()).resolves.toBe(true);
		await expect(campaign.getByText(/ · told in the app only$/).count()).resolves.toBe(1);
		await screen(page, `admin-bonuses-${size.name}`);
		await expectSound(page);

		await member.goto('/dashboard');
		const label = member.getByText(`Event bonus: ${note}`);
		await label.waitFor();
		await expect(label.count()).resolves.toBe(1);
		await label.scrollIntoViewIfNeeded();
		await screen(member, `member-event-bonus-${size.name}`);

		// Its use, a new expiry and its end, under its row: a day already over is said beside the field first.
		await page.goto('/admin/bonuses');
		const sent = page.getByRole('listitem').filter({ hasText: note });
		await sent.getByRole('button', { name: `Manage of “${note}”` }).click();
		await sent.getByText('Used', { exact: true }).waitFor();
		await expect(sent.locator('dd').first().innerText()).resolves.toBe('0 of 321');
		const newExpiry = sent.getByLabel('Expires', { exact: true });
		await newExpiry.fill('2020-01-01');
		await sent.getByRole('button', { name: 'Change expiry' }).click();
		await sent.getByText('The expiry must be in the future: pick today or a later day, or leave it empty for never.').waitFor();
		await newExpiry.fill('2027-12-31');
		await sent.getByText(/^The tokens expire at the end of Dec 31, 2027, UTC\. For every account's lot still counting/).waitFor();
		await sent.getByRole('button', { name: 'Change expiry' }).click();
		await sent.getByText(`“${note}” now expires at the end of Dec 31, 2027, UTC: the lots of 1 account changed, and accounts it reaches later get it too.`).waitFor();
		await screenshot(sent, `admin-bonuses-expiry-changed-${size.name}`);
		await sent.getByRole('button', { name: 'End now…' }).click();
		await sent.getByText('The 321 tokens left in the lots of 1 account expire now, for good, and no one else gets it.').waitFor();
		await screenshot(sent, `admin-bonuses-end-confirm-${size.name}`);
		await sent.getByRole('button', { name: 'End it now' }).click();
		await sent.getByText(`“${note}” ended: 321 tokens left in the lots of 1 account expired now. Their statements and the audit log say so.`).waitFor();
		await sent.getByText('Ended', { exact: true }).waitFor();
		await expect(sent.getByRole('button', { name: /^Apply to new members/ }).count()).resolves.toBe(0);
		await expect(sent.getByRole('button', { name: 'Change expiry' }).count()).resolves.toBe(0);
		await screenshot(sent, `admin-bonuses-ended-${size.name}`);
		await expectSound(page);

		// The member was told of each in their alerts, with the bonus's note: its grant, its new expiry and its end.
		await member.goto('/alerts');
		await member.getByText(/321 tokens ended by the site$/).waitFor();
		await member.getByText(/Your 321 bonus tokens now expire Dec 31, 2027, 23:59 UTC$/).waitFor();
		await member.getByText(/321 tokens added by the site$/).waitFor();
		await expect(member.getByText(`Note from the site: ${note}`).count()).resolves.toBe(3);
		// None was mailed, though Erin's e-mail alerts are on (as they start): the campaign was sent in the app only.
		await expect(member.getByText('also e-mailed').count()).resolves.toBe(0);
		await screenshot(member, `member-event-bonus-told-${size.name}`);
	}, 200_000);

	it('exports the users CSV from the Users page, and the file has every user; the team pools’ file beside it has the demo’s pool', async () => {
		await page.goto('/admin/users');
		const link = page.getByRole('link', { name: 'Users with balances' });
		await scrollUntilShown(page, link); // the exports card under the list
		await expect(link.count()).resolves.toBe(1);
		const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
		expect(download.suggestedFilename()).toMatch(/^quota-users-\d{4}-\d{2}-\d{2}\.csv$/);
		// Read from the browser (download.path() is only for a browser this process launched).
		const rows = parse(await text(await download.createReadStream()), { columns: true }) as Record<string, string>[];
		const listed = await listedUserIds(page);
		expect(rows.map((r) => r.user_id).sort()).toEqual([...listed].sort());
		// The event bonus's 321 tokens ended with it (the test above): the balance is what the admin set.
		expect(rows.find((r) => r.email === person.email)).toMatchObject({ name: person.name, balance_tokens: String(1234) });
		// The role the Roles test gave Erin: its key, and beside it the name the console shows.
		expect(rows.find((r) => r.email === person.email)).toMatchObject({ role: `testers-${size.name}-${run}`, role_name: `E2E testers ${size.name} ${run}` });
		const pools = page.getByRole('link', { name: 'Team pools with balances' });
		const [poolFile] = await Promise.all([page.waitForEvent('download'), pools.click()]);
		expect(poolFile.suggestedFilename()).toMatch(/^quota-team-pools-\d{4}-\d{2}-\d{2}\.csv$/);
		const poolRows = parse(await text(await poolFile.createReadStream()), { columns: true }) as Record<string, string>[];
		const acme = poolRows.find((r) => r.name === 'Acme Studio');
		expect(acme).toMatchObject({ owner_email: 'maya@quota.test', balance_tokens: expect.stringMatching(/^\d+$/) });
		// The demo's Maya and Leo, and whoever a file before this one on the worker's shared app invited.
		expect(Number(acme!.members)).toBeGreaterThanOrEqual(2);
		expect(rows.some((r) => poolRows.some((p) => p.account_id === r.account_id))).toBe(false);
		await link.scrollIntoViewIfNeeded();
		await screen(page, `admin-users-exports-${size.name}`);
		await expectSound(page);
	});

	it('lets the member make an API key in Settings, shown once, and revoke it', async () => {
		await member.goto('/settings');
		const keys = member.locator('section', { has: member.getByRole('heading', { name: 'API keys' }) });
		// Create pressed too early says what is missing beside it, instead of a button that does nothing.
		await keys.getByRole('button', { name: 'Create key' }).click();
		await keys.getByText('Name the key after the app that uses it, like Chatbot.').waitFor();
		expect(await member.evaluate(() => document.activeElement?.id)).toBe('key-name');
		await screen(member, `settings-keys-slip-${size.name}`);
		await keys.getByLabel('Name').fill(`My bot ${size.name}`);
		await keys.getByText('Name the key after the app that uses it, like Chatbot.').waitFor({ state: 'detached' });
		await keys.getByRole('button', { name: 'Create key' }).click();
		const shown = keys.getByRole('region', { name: `New key “My bot ${size.name}”` });
		const value = (await shown.locator('code').textContent())!.trim();
		expect(value).toMatch(/^qk_/);
		expect(await restStatus(value)).toBe(200);
		await expect(onScreen(shown)).resolves.toBe(true);
		await screen(member, `settings-keys-created-${size.name}`);
		await expectSound(member);
		await shown.getByRole('button', { name: 'Done' }).click();
		await expect(shown.count()).resolves.toBe(0);

		const item = keys.getByRole('listitem').filter({ hasText: `My bot ${size.name}` });
		await item.getByRole('button', { name: /^Revoke…/ }).click();
		await item.getByRole('button', { name: `Revoke My bot ${size.name}` }).click();
		await item.getByText('Revoked', { exact: true }).waitFor();
		expect(await restStatus(value)).toBe(401);
		await screen(member, `settings-keys-${size.name}`);
	});
});

describe("the console's catalog, campaigns, payments, roles and exports on a desktop", () => {
	it('shows the catalog’s form beside its list, and each page whole, fitting the screen', async () => {
		// In Berlin, an hour off the site's UTC: the lists with times say whose clock they are on (TimesIn).
		const { context, page } = await openAt(browser, admin.email, sizes[1], { timezoneId: 'Europe/Berlin' });
		try {
			await page.goto('/admin/catalog');
			await page.getByRole('button', { name: 'Edit' }).first().waitFor();
			// Side by side, Name and Id are one row: the Id's hint under it does not stretch the Name's input.
			const [nameBox, idBox] = await page.evaluate(() => ['pkg-name', 'pkg-id'].map((id) => document.getElementById(id)!.getBoundingClientRect().toJSON() as DOMRect));
			expect(nameBox!.height).toBe(idBox!.height);
			expect(nameBox!.y).toBe(idBox!.y);
			// The form for a new package is open beside the list: no button offers to open it.
			await expect(page.getByRole('button', { name: 'Add a package' }).isVisible()).resolves.toBe(false);
			// The model's select, beside Tokens, is wide enough for its whole option.
			const select = page.getByLabel('Model', { exact: true });
			expect(await select.evaluate((el: HTMLSelectElement) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().width >= 200)).toBe(true);
			// What a buyer sees: a badge is one line, never "Save" over "25%" beside a name that wraps ("Monthly plan").
			const offers = page.getByRole('region', { name: 'What a buyer sees' });
			await offers.getByText(/^Save \d+%$/).first().waitFor();
			const broken = await offers.locator('.badge').evaluateAll((badges) => badges.filter((b) => b.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(b).lineHeight)).map((b) => b.textContent));
			expect(broken).toEqual([]);
			await tour(page, [
				{ path: '/admin/catalog', ready: page.getByRole('region', { name: 'What a buyer sees' }), name: 'admin-catalog-desktop' },
				{ path: '/admin/bonuses', ready: page.getByRole('button', { name: 'Grant event bonus…' }), name: 'admin-bonuses-desktop', says: 'Times are in your zone, Berlin time (UTC+1).' },
				{ path: '/admin/payments', ready: page.getByRole('listitem').filter({ hasText: 'transaction.completed' }).first(), name: 'admin-payments-desktop' },
				{ path: '/admin/roles', ready: page.getByRole('listitem').filter({ hasText: 'Member' }).first(), name: 'admin-roles-desktop' },
				{ path: '/admin/users', ready: page.getByRole('link', { name: 'Users with balances' }), name: 'admin-users-exports-desktop' }
			]);
			// An event bonus's use and changes open under its row, beside the new bonus's form.
			await page.goto('/admin/bonuses');
			await page.getByRole('button', { name: /^(Manage|Details) of “/ }).first().click();
			await page.getByText('Used', { exact: true }).waitFor();
			await screenshot(page, 'admin-bonuses-manage-desktop');
		} finally {
			await context.close();
		}
	});
});
