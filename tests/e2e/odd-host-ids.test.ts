import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { demoDataDir, launch, phone, screenshot } from './browser';
import { sessionCookies } from './app';
import { startBuild, type RunningApp } from './server';
import { scrollUntilShown } from './console';
import { openPglite, type Db } from '../../src/lib/server/db/client';
import { grant } from '../../src/lib/server/ledger';

// Host-site ids stored before the API refused them: one of two spaces (listed as "Site user" with an
// empty id, "In the API: user=" with nothing after it) and "\u202eevil" (shown as "live"), with a
// note holding the same override. The console isolates each and writes it out in full beside it.

let browser: Browser;
let app: RunningApp | undefined;
let dir: string | undefined;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
	await app?.stop();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A host-site user as the API made one before the rule (straight into the tables: the API refuses it now); its account id. */
async function oldSiteUser(db: Db, externalId: string): Promise<string> {
	const [row] = await db.rows<{ account_id: string }>(sql`
		with account as (insert into accounts (kind, name) values ('user', ${`Site user ${externalId.trim()}`}) returning id)
		insert into users (account_id, email, name, external_id) select id, null, ${`Site user ${externalId.trim()}`}, ${externalId} from account
		returning account_id`);
	return row!.account_id;
}

describe('host-site ids that show as another id or as nothing, stored before the rule', () => {
	it('are isolated and written out in full on the users list and the user page', async () => {
		dir = demoDataDir('quota-odd-ids-');
		const db = await openPglite(join(dir, 'pglite'));
		const blank = await oldSiteUser(db, '  ');
		const evil = await oldSiteUser(db, '\u202eevil');
		await grant(db.orm, { accountId: evil, tokens: 50, source: 'bonus', note: 'Refund \u202eevil' });
		await db.close();
		app = await startBuild({ dataDir: dir });

		const context = await browser.newContext({ ...phone, baseURL: app.baseURL });
		await context.addCookies(sessionCookies('admin@quota.test'));
		const page = await context.newPage();

		await page.goto('/admin/users?search=Site%20user');
		const row = page.getByRole('row').filter({ has: page.locator(`a[href="/admin/users/${evil}"]`) });
		await expect(row.innerText()).resolves.toContain('(in full: Site user [U+202E]evil)');
		await expect(row.innerText()).resolves.toContain('Host-site id \u202eevil (in full: [U+202E]evil)');
		// The id sits in its own isolate: what follows it is not reversed with it.
		await expect(row.locator('bdi').allInnerTexts()).resolves.toContain('\u202eevil');
		const blankRow = page.getByRole('row').filter({ has: page.locator(`a[href="/admin/users/${blank}"]`) });
		await expect(blankRow.innerText()).resolves.toContain('(in full: U+0020 U+0020)');
		await screenshot(page, 'odd-host-ids-list-390', { firstScreen: true });

		await page.goto(`/admin/users/${blank}`);
		await expect(page.locator('#api-name').innerText()).resolves.toBe('user= (in full: U+0020 U+0020)');
		await screenshot(page, 'odd-host-ids-blank-390', { firstScreen: true });

		await page.goto(`/admin/users/${evil}`);
		await expect(page.locator('#api-name').innerText()).resolves.toBe('user=\u202eevil (in full: [U+202E]evil)');
		// Titled in full: a heading of "Site user \u202eevil" would read "Site user live".
		await expect(page.locator('h1').innerText()).resolves.toBe('Site user [U+202E]evil');
		// The user's records load when scrolled to, below the account's cards.
		const note = page.locator('td.prose').filter({ hasText: 'in full: Refund [U+202E]evil' }).first();
		await scrollUntilShown(page, note);
		await note.scrollIntoViewIfNeeded();
		await screenshot(page, 'odd-host-ids-user-390', { firstScreen: true });
		await context.close();
	}, 360_000); // a start of the app, on a copy of the demo's data: slow on a busy machine
});
