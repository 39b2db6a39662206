import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch } from './browser';
import { buy, ownUser, screen } from './app';
import { expectSound, openAt, scrollUntilShown, sizes } from './console';

// What changed a balance with money behind it, and which API key granted tokens, as the site admin
// reads them in the audit log: a member's purchase in the store (the simulator's checkout) is an
// entry by its buyer, and the grant the host site's key made names that key.
const admin = { email: 'admin@quota.test' };

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('the audit log’s purchases and API keys', () => {
	for (const size of sizes) {
		it(`on a ${size.name}: a purchase by its buyer with the package, tokens, amount and Paddle transaction; a key's grant by the key's name`, async () => {
			const name = `Pia Buyer ${size.name}`;
			const buyer = await ownUser(browser, name, 1_000); // granted by the demo's site key
			await buy(buyer.page, 'Token pack', /^Buy/, '$5.00', '5,000');
			await buyer.context.close();

			const { context, page } = await openAt(browser, admin.email, size);
			try {
				await page.goto(`/admin/audit?account=${encodeURIComponent(buyer.email)}`);
				const entries = page.getByRole('list').filter({ has: page.getByRole('listitem').filter({ hasText: 'Purchase completed' }) }).getByRole('listitem');
				const purchase = entries.filter({ hasText: 'Purchase completed' });
				await purchase.waitFor();
				const said = await purchase.innerText();
				expect(said).toMatch(new RegExp(`By ${name} \\(${buyer.email.replace(/[.+]/g, '\\$&')}\\) on their account`));
				expect(said).toMatch(/Package Token pack[\s\S]*Quantity 1[\s\S]*Tokens 5,000[\s\S]*Amount \$5\.00[\s\S]*Paid as A checkout[\s\S]*Paddle transaction txn_/);
				const grant = entries.filter({ hasText: 'Tokens granted' });
				await expect(grant.innerText()).resolves.toMatch(/By the API key “Demo site key” \(qk_\S{8}…\)/);

				// The Action filter names purchases in words, and keeps only them.
				await page.getByLabel('Action').selectOption({ label: 'Purchase completed' });
				await page.waitForURL(/action=store\.purchase_completed/);
				await expect.poll(() => entries.count()).toBe(1);
				await screen(page, `admin-audit-purchase-${size.name === 'phone' ? 390 : 1280}`);
				await page.getByLabel('Action').selectOption({ label: 'Any action' });
				await grant.waitFor();
				await grant.scrollIntoViewIfNeeded();
				await screen(page, `admin-audit-purchase-and-key-${size.name === 'phone' ? 390 : 1280}`);
				await expectSound(page);

				// The buyer's page lists the same entries with the same words.
				await purchase.getByRole('link', { name: name }).first().click();
				const records = page.getByRole('region', { name: 'Audit entries' });
				await page.getByRole('heading', { level: 1, name }).waitFor();
				await scrollUntilShown(page, records.getByText('Purchase completed'));
				await expect(records.innerText()).resolves.toMatch(/Tokens granted · [^\n]* · The API key “Demo site key” \(qk_\S{8}…\)/);
				await records.scrollIntoViewIfNeeded();
				await screen(page, `admin-user-audit-entries-${size.name === 'phone' ? 390 : 1280}`);
			} finally {
				await context.close();
			}
		});
	}
});
