import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseURL, launch } from './browser';
import { buy, ownUser, screen } from './app';
import { expectSound, openAt, scrollUntilShown, sizes } from './console';
import { signatureHeader } from '../../src/lib/server/store/paddle/signature';
import { SIMULATOR_WEBHOOK_SECRET } from '../../src/lib/server/config';

// What changed a balance with money behind it, and which API key granted tokens, as the site admin
// reads them in the audit log: a member's purchase in the store (the simulator's checkout) is an
// entry by its buyer, and the grant the host site's key made names that key.
const admin = { email: 'admin@quota.test' };

/**
 * Paddle tells the app (signed with the simulator's secret, as the shared app's Paddle) that it refunded
 * part of a transaction, approved: as a seller's partial refund in Paddle's dashboard arrives.
 */
async function partialRefund(transactionId: string, cents: number) {
	const id = (p: string) => `${p}_${crypto.randomUUID().replaceAll('-', '').slice(0, 26)}`;
	const at = new Date().toISOString();
	const money = { fee: '0', tax: '0', total: String(cents), earnings: String(cents), subtotal: String(cents), retained_fee: '0', currency_code: 'USD' };
	const body = JSON.stringify({
		event_id: id('evt'),
		event_type: 'adjustment.updated',
		occurred_at: at,
		notification_id: id('ntf'),
		data: {
			id: id('adj'),
			items: [{ id: id('adjitm'), type: 'partial', amount: String(cents), totals: money, item_id: id('txnitm'), proration: null }],
			action: 'refund',
			type: 'partial',
			reason: 'Part of the pack was not needed',
			status: 'approved',
			totals: money,
			payout_totals: money,
			created_at: at,
			updated_at: at,
			customer_id: id('ctm'),
			currency_code: 'USD',
			transaction_id: transactionId,
			subscription_id: null,
			credit_applied_to_balance: false
		}
	});
	const res = await fetch(`${baseURL()}/api/webhooks/paddle`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'paddle-signature': signatureHeader(body, SIMULATOR_WEBHOOK_SECRET) },
		body
	});
	expect(await res.json()).toMatchObject({ ok: true, outcome: 'flagged' });
}

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/**
 * A buyer of the file's own, `name`, granted 1,000 tokens by the demo's site key, who bought the Token pack in the
 * store: made once, when a test first asks, and read by both sizes' tests (a sign-up and a checkout each, and only
 * what the log shows of them differs by size).
 */
function buyerOnce(name: string) {
	let made: Promise<{ email: string }> | undefined;
	return () =>
		(made ??= (async () => {
			const buyer = await ownUser(browser, name, 1_000);
			await buy(buyer.page, 'Token pack', /^Buy/, '$5.00', '5,000');
			await buyer.context.close();
			return { email: buyer.email };
		})());
}

describe('the audit log’s purchases and API keys', () => {
	const name = 'Pia Buyer';
	const pia = buyerOnce(name);
	for (const size of sizes) {
		it(`on a ${size.name}: a purchase by its buyer with the package, tokens, amount and Paddle transaction; a key's grant by the key's name`, async () => {
			const buyer = await pia();

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
				// The purchase's tokens show whole under its title, at either size: an entry shortened to two lines until
				// tapped once spent both on its title, date and actor on a phone, and cut what it said to 'Tokens: 1,00…'.
				const purchaseEntry = records.getByRole('listitem').filter({ hasText: 'Purchase completed' });
				await expect(purchaseEntry.evaluate((li) => {
					const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
					for (let node = walker.nextNode(); node; node = walker.nextNode()) {
						if (!node.textContent?.includes('5,000')) continue;
						const range = document.createRange();
						range.selectNodeContents(node);
						const figure = range.getBoundingClientRect();
						for (let box = node.parentElement; box && box !== li.parentElement; box = box.parentElement) {
							if (getComputedStyle(box).overflow === 'hidden' && figure.bottom > box.getBoundingClientRect().bottom + 0.5) return 'cut';
						}
						return 'whole';
					}
					return 'missing';
				})).resolves.toBe('whole');
				await records.scrollIntoViewIfNeeded();
				await screen(page, `admin-user-audit-entries-${size.name === 'phone' ? 390 : 1280}`);
			} finally {
				await context.close();
			}
		});
	}
	// One purchase, refunded in part once: each size's test reads the same refund.
	const rita = buyerOnce('Rita Refund');
	let refunded: Promise<void> | undefined;
	for (const size of sizes) {
		it(`on a ${size.name}: a partial refund by Paddle, with what it paid back of the order and why no tokens went with it`, async () => {
			const buyer = await rita();

			const { context, page } = await openAt(browser, admin.email, size);
			try {
				await page.goto(`/admin/audit?account=${encodeURIComponent(buyer.email)}&action=store.purchase_completed`);
				const entries = page.getByRole('listitem').filter({ hasText: /^Purchase (completed|partly refunded)/ });
				await entries.first().waitFor();
				const transaction = (await entries.first().innerText()).match(/Paddle transaction (txn_\w+)/)![1]!;
				await (refunded ??= partialRefund(transaction, 125));

				// The Action filter names it (once the log holds one) and keeps only it.
				await page.reload();
				await page.getByLabel('Action').selectOption({ label: 'Purchase partly refunded' });
				await page.waitForURL(/action=store\.purchase_partly_refunded/);
				const refund = entries.filter({ hasText: /^Purchase partly refunded/ });
				await refund.waitFor();
				await expect.poll(() => entries.count()).toBe(1);
				const said = await refund.innerText();
				expect(said).toMatch(/^Purchase partly refunded/);
				expect(said).toMatch(/By Quota \(Paddle\)/);
				expect(said).toMatch(/Paid back \$1\.25[\s\S]*Paid for the order \$5\.00[\s\S]*Tokens taken back None: Paddle does not say which of the tokens a partial refund is for; adjust the balance to take some back[\s\S]*Paddle transaction txn_/);
				await refund.scrollIntoViewIfNeeded();
				await screen(page, `admin-audit-partial-refund-${size.name === 'phone' ? 390 : 1280}`);
				await expectSound(page);

				// The Overview counts it among the payment events to check, its noun agreeing with the count ("1 other payment event").
				await page.goto('/admin');
				const flags = page.getByRole('region', { name: 'Open flags' });
				const line = flags.getByRole('listitem').filter({ hasText: /other payment events? to check/ });
				await line.getByText(/^\d+$/).waitFor();
				const [, count, noun] = (await line.innerText()).match(/^(\d+) other payment (events?) to check/)!;
				expect(Number(count)).toBeGreaterThan(0);
				expect(noun).toBe(Number(count) === 1 ? 'event' : 'events');

				// Payments says what it paid back: it took no tokens, so nothing else on its row did.
				await page.goto(`/admin/payments?search=${encodeURIComponent(buyer.email)}`);
				const event = page.getByRole('listitem').filter({ hasText: 'adjustment.updated' });
				await event.getByText(/paid back \$1\.25 \(part\)/).waitFor();
				// It waits on the admin's decision, as the Overview's flag says: flagged, not "Failed" (nothing failed).
				await expect(event.getByText('Flagged', { exact: true }).count()).resolves.toBe(1);
				await expect(event.getByText('Failed', { exact: true }).count()).resolves.toBe(0);
				await expect(event.innerText()).resolves.toContain('needs a person');
			} finally {
				await context.close();
			}
		});
	}
});
