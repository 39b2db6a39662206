import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { join } from 'node:path';
import { launch, screenshot, sharedApp } from './browser';
import { ownUser, waitForFresh } from './app';
import { linkIn, readMailDir } from '../helpers/mail';

// A double click on a form's button sends its write once, on every form (Save alert steps was the
// first found sending twice): the button waits while the write is on its way, and a second press
// then does nothing. People of their own: what they change is nobody else's.

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/**
 * Two presses of `button` as a person's double click lands them, while the first's write (a POST whose
 * URL contains `part`) is on its way: it is held 1 s on the way to the server, and the second press
 * comes 150 ms after the first. The second press lands on the button as it is then: one that waits
 * (disabled) takes none. Returns the POSTs the page sent, as they are sent.
 */
async function pressTwice(page: Page, button: Locator, part: string): Promise<string[]> {
	const sent: string[] = [];
	const mine = (url: URL) => url.href.includes(part);
	page.on('request', (r) => {
		if (r.method() === 'POST' && mine(new URL(r.url()))) sent.push(r.url());
	});
	await page.route(mine, async (route) => {
		if (route.request().method() === 'POST') await new Promise((r) => setTimeout(r, 1_000));
		await route.continue().catch(() => undefined); // a navigation the page left
	});
	await button.click();
	await page.waitForTimeout(150);
	await button.click({ force: true, timeout: 2_000 }).catch(() => undefined);
	return sent;
}

async function call(page: Page, procedure: string, data: object) {
	const res = await page.request.post(`/trpc/${procedure}`, { data });
	expect(res.status(), `${procedure}: ${await res.text()}`).toBe(200);
	return (await res.json()).result.data;
}

describe('a double click sends a form once', () => {
	it("joining a team from its invitation: one join, and the team's page says it", { timeout: 120_000 }, async () => {
		const owner = await ownUser(browser, 'Once Owner', 0);
		const joiner = await ownUser(browser, 'Once Joiner', 0);
		onTestFinished(() => Promise.all([owner.context.close(), joiner.context.close()]).then(() => undefined));
		const team = (await call(owner.page, 'team.create', { name: 'Once Crew' })) as { id: string };
		await call(owner.page, 'team.invite', { teamId: team.id, email: joiner.email });
		const mailDir = join(sharedApp().dataDir, 'mail');
		// Their mails: the link that confirms their address (sign-up's), and this invitation.
		const invitation = () => readMailDir(mailDir).filter((m) => m.to.includes(joiner.email) && m.decoded.includes('/invite/'));
		await expect.poll(() => invitation().length).toBe(1);
		const page = joiner.page;
		await page.goto(linkIn(invitation()[0]!, '/invite/'));
		await page.waitForLoadState('networkidle');
		const sent = await pressTwice(page, page.getByRole('button', { name: 'Join the team' }), '/invite/');
		await page.waitForURL((url) => url.pathname === '/team');
		await page.getByRole('status').filter({ hasText: 'You joined Once Crew as a member.' }).waitFor();
		expect(sent).toHaveLength(1);
		await waitForFresh(page);
		await screenshot(page, 'save-once-joined-390', { firstScreen: true });
	});

	it("renaming a team, and saving one's name in Settings: one write each", async () => {
		const { context, page } = await ownUser(browser, 'Twice Clicker', 0);
		onTestFinished(() => context.close());
		await call(page, 'team.create', { name: 'Click Crew' });
		await page.goto('/team');
		await waitForFresh(page);
		await page.getByRole('button', { name: 'Rename the team' }).click();
		await page.getByLabel('Team name').fill('Click Crew Two');
		const renames = await pressTwice(page, page.getByRole('button', { name: 'Save name' }), 'team.rename');
		await page.getByText('The team is now called Click Crew Two.').waitFor();
		expect(renames).toHaveLength(1);

		await page.goto('/settings');
		await waitForFresh(page);
		await page.getByRole('region', { name: 'Profile' }).getByLabel('Name').fill('Twice Clicked');
		const saves = await pressTwice(page, page.getByRole('region', { name: 'Profile' }).getByRole('button', { name: 'Save name' }), 'me.updateProfile');
		await page.getByText('Name changed to Twice Clicked.').waitFor();
		expect(saves).toHaveLength(1);
	});
});

