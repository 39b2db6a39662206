import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch } from './browser';
import { onScreen, scheduledJob, screen } from './app';
import { expectSound, openAt, sizes, tour } from './console';
import { SHARED_APP_CHECK_SECONDS } from './server';

// The admin console's Webhooks and Jobs pages against the production build: an admin adds an
// endpoint (its secret shown once), the schedule delivers a grant's event to a receiver on
// loopback, and the delivery log shows it; the admin rotates its secret (the new one shown once,
// the old one still signing, as its row says); the jobs page shows the schedule's last and next runs.
// At a phone's size; a desktop's look of both pages is the tour at the end.

const admin = { email: 'admin@quota.test' };
const size = sizes[0]; // the phone; the desktop looks at both pages below

let browser: Browser;
let receiver: Server;
const received: string[] = [];
/** How many more deliveries a `/flaky-…` URL refuses (503) before it answers 200: one waits for its next try. */
const flaky = { refusals: 2 };
beforeAll(async () => {
	browser = await launch();
	receiver = createServer((req, res) => {
		received.push(String(req.headers['webhook-id']));
		if (req.url?.includes('/flaky-') && flaky.refusals-- > 0) return void res.writeHead(503).end('starting');
		res.writeHead(200).end('ok');
	});
	await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
	await browser?.close();
	await new Promise<void>((r) => (receiver.closeAllConnections(), receiver.close(() => r())));
});

describe(`webhooks and jobs in the admin console on a ${size.name}`, () => {
	let context: BrowserContext;
	let page: Page;
	beforeAll(async () => {
		({ context, page } = await openAt(browser, admin.email, size));
	});
	afterAll(async () => context?.close());

	it('adds an endpoint, shows its secret once, and logs the delivery of a grant’s event', async () => {
		await page.goto('/admin/webhooks');
		const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/quota-${size.name}`;
		// Add pressed with no URL: said beside it, the field focused, nothing sent.
		await page.getByRole('button', { name: 'Add endpoint' }).click();
		await page.locator('#hook-url-note').filter({ hasText: "Type the URL of the site's webhook handler" }).waitFor();
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('hook-url');
		await screen(page, `admin-webhooks-url-slip-${size.name}`);
		// An address the server refuses is said in the same place, not in a box below the events.
		await page.getByLabel('URL').fill('ftp://example.com/x');
		await page.getByRole('button', { name: 'Add endpoint' }).click();
		await page.locator('#hook-url-note').filter({ hasText: 'URL must be an http:// or https:// URL with a host name or IPv4 address.' }).waitFor();
		await expect(page.getByRole('alert').filter({ hasText: 'URL must be' }).count()).resolves.toBe(1);
		// A URL longer than the server keeps is kept whole and refused beside the field, never cut into another address and saved.
		const pasted = `https://${'a'.repeat(3000)}.com`;
		await page.getByLabel('URL').fill(pasted);
		await expect(page.getByLabel('URL').inputValue()).resolves.toBe(pasted);
		await page.getByRole('button', { name: 'Add endpoint' }).click();
		await page.locator('#hook-url-note').filter({ hasText: 'This URL is 3,012 characters long: 2,000 characters at most.' }).waitFor();
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('hook-url');
		await screen(page, `admin-webhooks-url-long-${size.name}`);
		await expect(page.getByRole('listitem').filter({ hasText: 'aaaaaaaaaa' }).count()).resolves.toBe(0);
		await page.getByLabel('URL').fill(url);
		await page.getByLabel('Description', { exact: true }).fill(`Billing backend (${size.name})`);
		for (const type of ['Balance low (each alert step)', 'Balance used up', 'Free allowance used up', 'Hold expired']) {
			await page.getByRole('checkbox', { name: new RegExp(`^${type.replace(/[()]/g, '\\$&')}`) }).uncheck();
		}
		await page.getByRole('button', { name: 'Add endpoint' }).click();
		// Named by its description, the URL in its sentence: several endpoints' URLs may differ by a path only.
		const shown = page.getByRole('region', { name: `Signing secret of “Billing backend (${size.name})”` });
		const secret = shown.locator('code');
		await expect(secret.innerText()).resolves.toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
		await expect(shown.getByText(`For ${url}. Copy it now`).count()).resolves.toBe(1);
		// Shown once, so brought on screen with the focus on it, though the form is further down on a phone.
		await expect(onScreen(shown)).resolves.toBe(true);
		await expect(shown.getByRole('heading').evaluate((h) => h === document.activeElement)).resolves.toBe(true);
		await screen(page, `admin-webhooks-secret-${size.name}`);

		// The same URL again, spelled with a trailing slash, is refused beside the URL
		// in words naming the endpoint that has it, and the secret not yet copied stays.
		await page.getByLabel('URL').fill(`${url}/`);
		await page.getByRole('button', { name: 'Add endpoint' }).click();
		await page
			.locator('#hook-url-note')
			.filter({ hasText: `The endpoint “Billing backend (${size.name})” (${url}) has this URL already: change its events instead of adding a second one, which would get every event twice.` })
			.waitFor();
		await screen(page, `admin-webhooks-url-taken-${size.name}`);
		await expect(page.getByRole('listitem').filter({ hasText: url }).count()).resolves.toBe(1);
		// Another endpoint while the first secret is on screen: both secrets stay until each one's Done.
		const audit = `${url}/audit`;
		await page.getByLabel('URL').fill(audit);
		await page.getByLabel('Description', { exact: true }).fill('');
		await page.getByRole('button', { name: 'Add endpoint' }).click();
		const second = page.getByRole('region', { name: `Signing secret for ${audit}` });
		await expect(second.locator('code').innerText()).resolves.toMatch(/^whsec_/);
		await expect(secret.innerText()).resolves.toMatch(/^whsec_/);
		await expect(second.locator('code').innerText()).resolves.not.toBe(await secret.innerText());
		await screen(page, `admin-webhooks-two-secrets-${size.name}`);
		await second.getByRole('button', { name: 'Done' }).click();
		await expect(second.count()).resolves.toBe(0);
		await expect(secret.count()).resolves.toBe(1);
		// Changed from the list, by the API's rules: another endpoint's address is refused beside the URL
		// and nothing is saved (not the description typed with it); then a description and an event are.
		const auditRow = page.getByRole('listitem').filter({ hasText: audit });
		await auditRow.getByRole('button', { name: 'Change…' }).click();
		const editor = auditRow.getByRole('form', { name: `Change ${audit}` });
		await editor.getByLabel('URL').fill(`${url}/`);
		await editor.getByLabel('Description', { exact: true }).fill('Audit trail');
		await editor.getByRole('button', { name: 'Save changes' }).click();
		await editor
			.locator('#edit-url-note')
			.filter({ hasText: `The endpoint “Billing backend (${size.name})” (${url}) has this URL already: change its events instead of giving this one its URL, which would get every event twice.` })
			.waitFor();
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('edit-url');
		await expect(editor.getByLabel('URL').getAttribute('aria-describedby')).resolves.toBe('edit-url-note');
		await screen(page, `admin-webhooks-change-taken-${size.name}`);
		// A URL only the server's rule refuses (a space in its host) is said there too, in the field's words.
		await editor.getByLabel('URL').fill('http://exa mple.com/hooks');
		await editor.getByRole('button', { name: 'Save changes' }).click();
		await editor.locator('#edit-url-note').filter({ hasText: /^(URL )?must be an http:\/\/ or https:\/\/ URL/i }).waitFor();
		await expect(editor.getByText(/Changes URL/).count()).resolves.toBe(0);
		await expect(auditRow.locator('p', { hasText: 'Audit trail' }).count()).resolves.toBe(0);
		await editor.getByLabel('URL').fill(audit);
		await editor.getByRole('checkbox', { name: /^Hold expired/ }).check();
		await editor.getByRole('button', { name: 'Save changes' }).click();
		await page.getByRole('status').filter({ hasText: '“Audit trail” is saved.' }).waitFor();
		await expect(editor.count()).resolves.toBe(0);
		await expect(auditRow.locator('p', { hasText: 'Audit trail' }).count()).resolves.toBe(1);
		expect(await auditRow.innerText()).toMatch(/grant\.created.*hold\.expired · added/);
		await screen(page, `admin-webhooks-changed-${size.name}`);
		// Deleting an endpoint takes its secret's panel with it: there is nothing left to copy it into.
		await auditRow.getByRole('button', { name: 'Delete…' }).click();
		await auditRow.getByRole('button', { name: 'Delete it and its log' }).click();
		await expect.poll(() => page.getByRole('listitem').filter({ hasText: audit }).count()).toBe(0);
		await shown.getByRole('button', { name: 'Done' }).click();
		await expect(secret.count()).resolves.toBe(0);

		// A bonus from the console grants a lot: its grant.created event goes to the new endpoint.
		const { status, name, kind } = await page.evaluate(async () => {
			const list = await (await fetch('/trpc/admin.users.list?input=%7B%7D')).json();
			const { accountId, name, kind } = list.result.data.rows[0];
			const res = await fetch('/trpc/admin.users.grantBonus', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ accountId, tokens: 100, note: 'Webhook check', key: crypto.randomUUID() })
			});
			return { status: res.status, name: name as string, kind: kind as 'user' | 'team' };
		});
		expect(status).toBe(200);
		await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);

		const row = page.getByRole('listitem').filter({ hasText: url });
		// The receiver has the event before the log records its answer: reopen the log until it does.
		await expect
			.poll(
				async () => {
					await row.getByRole('button', { name: 'Deliveries' }).click();
					const status = row.getByText(/^(Delivered|Retrying|Failed)$/).first();
					await status.waitFor();
					const text = await status.innerText();
					await row.getByRole('button', { name: 'Hide deliveries' }).click();
					return text;
				},
				{ timeout: 30_000 }
			)
			.toBe('Delivered');
		await row.getByRole('button', { name: 'Deliveries' }).click();
		await expect(row.getByText('Delivered').first().innerText()).resolves.toBe('Delivered');
		await expect(row.getByText(/· 200 · \d+ ms · “ok”/).first().count()).resolves.toBe(1);
		// Each delivery names its account (a team's as one): every account numbers its own events from #1.
		expect(await row.locator('.deliveries').innerText()).toContain(`${name}${kind === 'team' ? ' (team)' : ''} · #`);
		await expectSound(page);
		await row.locator('.deliveries').scrollIntoViewIfNeeded();
		await screen(page, `admin-webhooks-${size.name}`);
	});

	it('rotates an endpoint’s secret after saying what happens: the new one shown once, the row saying until when the old one signs too', async () => {
		await page.goto('/admin/webhooks');
		const row = page.getByRole('listitem').filter({ hasText: `/quota-${size.name}` });
		await row.getByRole('button', { name: 'Rotate secret…' }).click();
		const ask = row.getByRole('group', { name: /^Rotate the signing secret of http:\/\/127\.0\.0\.1:\d+\/quota-/ });
		await expect(ask.innerText()).resolves.toContain("The old one keeps signing too for 24 hours, so the site's webhook handler can switch to the new one without losing a delivery");
		await ask.scrollIntoViewIfNeeded();
		await screen(page, `admin-webhooks-rotate-ask-${size.name}`);
		// Kept: nothing rotated, nothing said.
		await ask.getByRole('button', { name: 'Keep this secret' }).click();
		await expect(ask.count()).resolves.toBe(0);
		await expect(row.getByText('Old secret also signs until').count()).resolves.toBe(0);

		await row.getByRole('button', { name: 'Rotate secret…' }).click();
		await ask.getByRole('button', { name: 'Rotate secret', exact: true }).click();
		const shown = page.getByRole('region', { name: `New signing secret of “Billing backend (${size.name})”` });
		await expect(shown.locator('code').innerText()).resolves.toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
		const sentence = await shown.locator('p').innerText();
		const until = /The old secret also signs until (.+): copy this one into the site's webhook handler before then\. This is the only time it is shown\.$/.exec(sentence)?.[1];
		expect(until, sentence).toMatch(/^\w{3} \d+, \d{4}/);
		// Shown once, so brought on screen with the focus on it, as at creation.
		await expect(onScreen(shown)).resolves.toBe(true);
		await expect(shown.getByRole('heading').evaluate((h) => h === document.activeElement)).resolves.toBe(true);
		await ask.waitFor({ state: 'detached' });
		await expect(row.getByRole('note').innerText()).resolves.toBe(`Old secret also signs until ${until}`);
		await screen(page, `admin-webhooks-rotated-${size.name}`);
		await shown.getByRole('button', { name: 'Done' }).click();
		await expect(shown.count()).resolves.toBe(0);

		// Never shown again; the row still says it while the old one signs.
		await page.reload();
		await row.getByRole('note').filter({ hasText: `Old secret also signs until ${until}` }).waitFor();
		await expect(page.getByRole('region', { name: /signing secret/i }).count()).resolves.toBe(0);
		await row.scrollIntoViewIfNeeded();
		await screen(page, `admin-webhooks-rotated-row-${size.name}`);
		await expectSound(page);
		const audit = await (await page.request.get(`/trpc/admin.audit.list?input=${encodeURIComponent(JSON.stringify({ action: 'webhook_endpoint.secret_rotated' }))}`)).json();
		expect(audit.result.data.rows[0].words.title).toBe('Webhook signing secret rotated');
	});

	it('sends a test event the admin sees arrive, listed as a test; a delivery waiting for its next try is tried now', async () => {
		await page.goto('/admin/webhooks');
		const row = page.getByRole('listitem').filter({ hasText: `/quota-${size.name}` });
		const before = received.length;
		await row.getByRole('button', { name: 'Send a test event' }).click();
		await page.getByText('Test event queued: it is sent within seconds, signed like every event; its delivery is below.').waitFor();
		// The page reads the log again until the test's delivery has its answer.
		const test = row.locator('.deliveries li').filter({ hasText: 'Test event: no account' }).first();
		await test.getByText('Delivered', { exact: true }).waitFor({ timeout: 30_000 });
		await expect(test.getByText(/· 200 · \d+ ms · “ok”/).count()).resolves.toBe(1);
		await expect(test.locator('code').first().innerText()).resolves.toBe('ping');
		expect(received.length).toBeGreaterThan(before);
		await test.scrollIntoViewIfNeeded();
		await screen(page, `admin-webhooks-test-event-${size.name}`);

		// An endpoint still starting up refuses twice: its test then waits minutes for its next try, unless tried now.
		const port = (receiver.address() as AddressInfo).port;
		const created = await page.evaluate(async (url) => {
			const res = await fetch('/trpc/webhooks.create', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url, description: 'Starting up', event_types: ['hold.expired'] }) });
			return res.status;
		}, `http://127.0.0.1:${port}/flaky-${size.name}`);
		expect(created).toBe(200);
		await page.reload();
		const flakyRow = page.getByRole('listitem').filter({ hasText: `/flaky-${size.name}` });
		await flakyRow.getByRole('button', { name: 'Send a test event' }).click();
		await expect
			.poll(
				async () => {
					const hide = flakyRow.getByRole('button', { name: 'Hide deliveries' });
					if (await hide.count()) await hide.click();
					await flakyRow.getByRole('button', { name: 'Deliveries' }).click();
					await flakyRow.locator('.deliveries li').first().waitFor();
					return flakyRow.locator('.attempt').count();
				},
				{ timeout: 40_000, interval: 2000 }
			)
			.toBe(2);
		const waiting = flakyRow.locator('.deliveries li').first();
		await expect(waiting.getByText('Retrying', { exact: true }).count()).resolves.toBe(1);
		await expect(waiting.getByText(/· 503 · \d+ ms · “starting”/).count()).resolves.toBe(2);
		await waiting.scrollIntoViewIfNeeded();
		await screen(page, `admin-webhooks-retry-now-${size.name}`);
		await waiting.getByRole('button', { name: 'Retry now' }).click();
		await page.getByText('Trying again now: its answer is in its attempts within seconds.').waitFor();
		// The log follows the try to its answer by itself, as it does a test event's: no reload, no reopening it
		// (newcomer walk 4: it said "Retrying" with the 503s only, until the page was reloaded).
		await waiting.getByText('Delivered', { exact: true }).waitFor({ timeout: 20_000 });
		await waiting.getByText(/· 200 · \d+ ms · “ok”/).waitFor();
		await expect(flakyRow.getByRole('button', { name: 'Retry now' }).count()).resolves.toBe(0);
		await flakyRow.locator('.deliveries').scrollIntoViewIfNeeded();
		await screen(page, `admin-webhooks-retried-${size.name}`);
		await expectSound(page);
		// Two refused tries 5 s apart, each seen by reading the log again: longer than the default minute on a loaded machine.
	}, 120_000);

	it('shows the schedule: each job’s last run, next run and failures', async () => {
		await page.goto('/admin/jobs');
		const sweep = page.getByRole('listitem').filter({ hasText: 'ledger.sweep' });
		await sweep.waitFor();
		await screen(page, `admin-jobs-${size.name}`);
		const text = await sweep.innerText();
		// The routine checks' interval as the app was started with (SCHEDULE_CHECK_SECONDS).
		// The sweep runs when each hold or lot expires (asked then); the routine run is its fallback.
		expect(text).toContain(`about a second after each hold or lot expires, and every ${SHARED_APP_CHECK_SECONDS} s as the fallback`);
		expect(text).toMatch(/Last run \w{3} \d+, \d{4}.*next \w{3} \d+/s);
		await expect(page.getByRole('listitem').filter({ hasText: 'webhooks.deliver' }).count()).resolves.toBe(1);
		// The tab and the page's title say the same word; each job goes by its name.
		await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
		await expect(sweep.getByText('Expiry sweep', { exact: true }).count()).resolves.toBe(1);
		// The alerts' catch-up behind the NOTIFY watcher runs on the schedule like the rest.
		const catchUp = page.getByRole('listitem').filter({ hasText: 'alerts.evaluate' });
		await expect(catchUp.getByText('Alert catch-up', { exact: true }).count()).resolves.toBe(1);
		expect(await catchUp.innerText()).toContain(`every ${SHARED_APP_CHECK_SECONDS} s`);
		await expectSound(page);
	});

	it('runs a job now when the admin asks, says so under it, and keeps it in the audit log', async () => {
		await page.goto('/admin/jobs');
		const lastStart = async () => (await scheduledJob(page, 'schedule.prune')).lastStartedAt;
		const before = await lastStart();
		// The hourly clean-up: not due for an hour, so only the admin's ask runs it now.
		const prune = page.getByRole('listitem').filter({ hasText: 'schedule.prune' });
		await prune.getByRole('button', { name: 'Run now: Schedule clean-up' }).click();
		await prune.getByRole('status').getByText('Asked: Schedule clean-up runs within seconds. Refresh shows its last run.').waitFor();
		await expect.poll(lastStart).not.toBe(before);
		await screen(page, `admin-jobs-run-now-${size.name}`);
		const audit = await (await page.request.get(`/trpc/admin.audit.list?input=${encodeURIComponent(JSON.stringify({ action: 'job.run_now' }))}`)).json();
		expect(audit.result.data.rows[0].words.title).toBe('Job run now: Schedule clean-up');
	});
});

describe('webhooks and jobs in the admin console on a desktop', () => {
	it('shows both pages whole, fitting the screen, with the endpoint added above', async () => {
		// In Berlin, an hour off the site's UTC: both lists say their times are on the device's clock (TimesIn).
		const { context, page } = await openAt(browser, admin.email, sizes[1], { timezoneId: 'Europe/Berlin' });
		try {
			await tour(page, [
				{ path: '/admin/webhooks', ready: page.getByRole('listitem').filter({ hasText: '/quota-phone' }), name: 'admin-webhooks-desktop', says: 'Times are in your zone, Berlin time (UTC+1).' },
				{ path: '/admin/jobs', ready: page.getByRole('listitem').filter({ hasText: 'ledger.sweep' }), name: 'admin-jobs-desktop', says: 'Times are in your zone, Berlin time (UTC+1).' }
			]);
			// The rotation's question beside the row it is about, its sentence whole at a desktop's width.
			await page.goto('/admin/webhooks');
			const row = page.getByRole('listitem').filter({ hasText: '/quota-phone' });
			await row.getByRole('button', { name: 'Rotate secret…' }).click();
			const ask = row.getByRole('group', { name: /^Rotate the signing secret of / });
			await ask.scrollIntoViewIfNeeded();
			await expect(ask.getByRole('button').allInnerTexts()).resolves.toEqual(['Rotate secret', 'Keep this secret']);
			await screen(page, 'admin-webhooks-rotate-ask-desktop');
		} finally {
			await context.close();
		}
	});
});
