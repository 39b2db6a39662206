import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { join } from 'node:path';
import { baseURL, bothSizes, launch, phone, phoneContext, screenshot, sharedApp } from './browser';
import { linkIn, readMailDir } from '../helpers/mail';
import { axe, expectNoteBeside, sessionCookies, waitForFresh } from './app';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

const stamp = Date.now().toString(36);
const user = { name: 'Adaline Featherstonehaugh-Tester', email: `ada-${stamp}@example.com`, password: 'first pass 2026' };

async function sessionCookie(context: BrowserContext) {
	return (await context.cookies()).find((c) => c.name === 'quota_session');
}

/** The mark beside the session that the pages' scripts read (lib/signed-in.ts). */
async function signedInMark(context: BrowserContext) {
	return (await context.cookies()).find((c) => c.name === 'quota_signed_in');
}

/**
 * Signs out as a person does, with Settings' button: it tells the page first (session.svelte.ts
 * `signingOut`), so a 401 the page meets while the form is sent starts no sign-in of its own. CI 176: a
 * form posted behind the page's back raced that 401, and the page went to /signin?next=/settings.
 */
async function signOut(page: Page, everywhere = false) {
	await page.goto('/settings');
	const button = page.getByRole('button', { name: everywhere ? 'Sign out everywhere' : 'Sign out', exact: true });
	await button.waitFor();
	const response = page.waitForResponse((r) => r.url().endsWith('/signout'));
	await button.click();
	return response;
}

/** Fits a phone screen and has no serious or critical accessibility findings. */
async function noHorizontalScroll(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
	expect(await axe(page)).toEqual([]);
}

describe('accounts on a phone', () => {
	let context: BrowserContext;
	let page: Page;
	beforeAll(async () => {
		context = await phoneContext(browser);
		page = await context.newPage();
	});
	afterAll(async () => context?.close());

	it('signs up (refusing a weak password first) and lands on the dashboard with the name shown', async () => {
		await page.goto('/signup');
		await noHorizontalScroll(page);
		// The promise is the demo's own rules for a new member (Limits), not a fixed sentence.
		await page.getByText('Free to start: 10,000 tokens a day on Chatbot and 5,000 a week on AI Forms. Buy tokens when you need more.').waitFor();
		const email = page.getByLabel('Email');
		expect(await email.getAttribute('autocomplete')).toBe('email');
		expect(await email.getAttribute('inputmode')).toBe('email');
		expect(await page.getByLabel('Name').getAttribute('autocomplete')).toBe('name');
		expect(await page.getByRole('textbox', { name: /^Password/ }).getAttribute('autocomplete')).toBe('new-password');
		await screenshot(page, 'signup');
		await page.waitForLoadState('networkidle');

		// What the form can judge is said under each field before anything is sent, never in the browser's bubbles.
		const posted: string[] = [];
		const onRequest = (r: import('playwright-core').Request) => void (r.method() === 'POST' && posted.push(r.url()));
		page.on('request', onRequest);
		expect(await page.locator('form').evaluate((f: HTMLFormElement) => f.noValidate)).toBe(true);
		const create = page.getByRole('button', { name: 'Create account' });
		await create.click();
		await expectNoteBeside(page.getByLabel('Name'), 'Enter your name.');
		await expectNoteBeside(email, 'Enter your email address.');
		await expectNoteBeside(page.getByRole('textbox', { name: /^Password/ }), 'Enter a password.');
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('name');
		await page.getByLabel('Name').fill(user.name);
		await email.fill('ada at example.com');
		await page.getByRole('textbox', { name: /^Password/ }).fill('lettersonly');
		// The slips follow the typing: the name's went, the others say what is wrong now.
		await page.locator('#name-note').waitFor({ state: 'detached' });
		await expectNoteBeside(email, 'Enter a valid email address, like name@example.com.');
		await expectNoteBeside(page.getByRole('textbox', { name: /^Password/ }), 'Add a digit or a symbol: letters alone are easy to guess.');
		await create.click();
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
		await email.fill(user.email);
		await create.click();
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
		expect(await create.isEnabled()).toBe(true);
		expect(posted).toEqual([]);
		page.off('request', onRequest);
		await noHorizontalScroll(page);
		await screenshot(page, 'signup-error');

		// The server's refusal of a field is said under it too: an address that has an account, with the ways on.
		await email.fill('maya@quota.test');
		await page.getByRole('textbox', { name: /^Password/ }).fill(user.password);
		await create.click();
		await expectNoteBeside(email, 'An account with this email already exists.');
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
		expect(await page.getByRole('link', { name: 'Sign in with it' }).getAttribute('href')).toBe('/signin?email=maya%40quota.test');
		expect(await page.getByRole('link', { name: 'reset its password' }).getAttribute('href')).toBe('/forgot?email=maya%40quota.test');
		await noHorizontalScroll(page);
		await screenshot(page, 'signup-taken');
		// Edited, the address is the form's to judge again: the server's words and their links go.
		await email.fill('maya@');
		await expectNoteBeside(email, 'Enter a valid email address, like name@example.com.');
		await expect(page.getByRole('link', { name: 'Sign in with it' }).count()).resolves.toBe(0);
		await email.fill(user.email);
		await page.locator('#email-note').waitFor({ state: 'detached' });
		await page.getByRole('textbox', { name: /^Password/ }).fill('lettersonly');

		await page.getByRole('textbox', { name: /^Password/ }).fill(user.password);
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.waitForURL(/\/dashboard$/);
		await page.getByRole('link', { name: new RegExp(`Signed in as ${user.name}`) }).waitFor();
		// A long name gives way to the wordmark, not the other way round (it wrapped "Quo / ta"): one line each.
		await expect(page.locator('header .brand span').evaluate((e) => e.getClientRects().length)).resolves.toBe(1);
		await expect(page.locator('header .brand span').evaluate((e) => e.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(e).fontSize))).resolves.toBe(true);
		await expect(page.locator('header .who .name').evaluate((e) => e.scrollWidth > e.clientWidth)).resolves.toBe(true); // ends in …
		const cookie = await sessionCookie(context);
		expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
		expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000);
		// Its mark for the pages' scripts: readable by them, ending with it.
		const mark = await signedInMark(context);
		expect(mark).toMatchObject({ value: '1', httpOnly: false, sameSite: 'Lax', path: '/' });
		expect(Math.abs(mark!.expires - cookie!.expires)).toBeLessThan(2);
	});

	it('confirms the new address with the mailed link: Alerts says mails wait for it, Settings sends the link again; the link asks, then says it is done', async () => {
		await page.goto('/alerts');
		const note = page.getByText(`Alerts reach this inbox and your devices, not your mail, until you confirm your address with the link we mailed to ${user.email}.`);
		await note.waitFor();
		await noHorizontalScroll(page);
		await screenshot(page, 'alerts-unconfirmed', { firstScreen: true });
		await page.getByRole('link', { name: 'Send it again' }).click();
		await page.waitForURL(/\/settings$/);
		const waiting = page.getByRole('form', { name: 'Confirm your address' });
		await waiting.getByText(`No alert is mailed to ${user.email} until you open the link we sent there.`).waitFor();
		await waiting.getByRole('button', { name: 'Send the link again' }).click();
		await page.getByText(`Sent to ${user.email}. The link works for 3 days.`).waitFor();
		await screenshot(waiting, 'settings-unconfirmed');

		const mailDir = join(sharedApp().dataDir, 'mail');
		const links = () => readMailDir(mailDir).filter((m) => m.to.includes(user.email) && m.decoded.includes('/confirm/'));
		await expect.poll(() => links().length).toBe(2);
		expect(links().every((m) => /^Subject: Confirm your email address for Quota$/m.test(m.decoded))).toBe(true);
		const [welcome, again] = links().sort((a, b) => Number(a.decoded.includes('Here is a new link')) - Number(b.decoded.includes('Here is a new link')));
		expect(welcome!.decoded).toContain('Welcome to Quota.');

		// Opening the link asks (a mail scanner following it confirms nothing); the button confirms.
		await page.goto(linkIn(welcome!, '/confirm/'));
		await page.getByRole('heading', { name: 'Confirm your email address' }).waitFor();
		await page.getByText(`Confirm that ${user.email} is yours`).waitFor();
		await noHorizontalScroll(page);
		await bothSizes(page, 'confirm-address');
		await page.getByRole('button', { name: 'Confirm my address' }).click();
		await page.getByRole('heading', { name: 'Address confirmed' }).waitFor();
		await page.getByText(`Quota mails your alerts to ${user.email} from now on.`).waitFor();
		await noHorizontalScroll(page);
		await screenshot(page, 'address-confirmed');
		// The other link now says it is done; Settings no longer asks.
		await page.goto(linkIn(again!, '/confirm/'));
		await page.getByRole('heading', { name: 'Address confirmed' }).waitFor();
		await page.getByRole('link', { name: 'Open your dashboard' }).click();
		await page.waitForURL(/\/dashboard$/);
		// Alerts asks the server again: the note goes.
		await page.goto('/alerts');
		await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
		await note.waitFor({ state: 'detached' });
		await page.goto('/settings');
		// (What the device kept of the profile may show first; the server's answer follows.)
		await page.getByRole('button', { name: 'Change email' }).waitFor();
		await waiting.waitFor({ state: 'detached' });
	});

	it('signs out with a POST that clears site storage; the old cookie is then refused', async () => {
		const old = (await sessionCookie(context))!;
		const response = await signOut(page);
		expect(response.status()).toBe(303);
		expect((await response.allHeaders())['clear-site-data']).toBe('"storage"');
		await page.waitForURL(/\/signin$/);
		expect(await sessionCookie(context)).toBeUndefined();
		expect(await signedInMark(context)).toBeUndefined();

		// Replaying the old cookie does not bring the session back.
		await context.addCookies([{ name: old.name, value: old.value, url: baseURL() }]);
		const res = await context.request.get('/trpc/me.profile');
		expect(res.status()).toBe(401);
		await context.clearCookies({ name: 'quota_session' });
	});

	it('refuses a wrong password with a clear message, then signs in to a safe ?next= page only', async () => {
		await page.goto(`/signin?next=${encodeURIComponent('//evil.example/steal')}`);
		await noHorizontalScroll(page);
		const email = page.getByLabel('Email');
		expect(await email.getAttribute('autocomplete')).toBe('username');
		expect(await page.getByRole('textbox', { name: 'Password' }).getAttribute('autocomplete')).toBe('current-password');
		await screenshot(page, 'signin');
		await page.waitForLoadState('networkidle');
		expect(await page.locator('form').evaluate((f: HTMLFormElement) => f.noValidate)).toBe(true);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expectNoteBeside(email, 'Enter your email address.');
		await expectNoteBeside(page.getByRole('textbox', { name: 'Password' }), 'Enter your password.');
		await screenshot(page, 'signin-slips');
		await email.fill(user.email.toUpperCase());
		await page.getByRole('textbox', { name: 'Password' }).fill('not the password 1');
		await page.getByRole('button', { name: 'Sign in' }).click();
		// The server's refusal, in the form's words, under the password, which takes the focus for the next try.
		await expectNoteBeside(page.getByRole('textbox', { name: 'Password' }), 'That email and password do not match an account.');
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('password');
		await expect(page.locator('p.alert').count()).resolves.toBe(0);
		await noHorizontalScroll(page);
		await screenshot(page, 'signin-error');
		await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(/\/dashboard$/);
		expect(new URL(page.url()).host).toBe(new URL(baseURL()).host);
	});

	it('gives a session from before the signed-in mark existed its mark: the page opens, after a detour by the sign-in page', async () => {
		const older = await phoneContext(browser);
		await older.addCookies([{ ...(await sessionCookie(context))!, name: 'quota_session' }]);
		const tab = await older.newPage();
		await tab.goto('/statement');
		await tab.getByRole('heading', { name: 'Statement' }).waitFor();
		expect(new URL(tab.url()).pathname).toBe('/statement');
		await tab.getByRole('link', { name: new RegExp(`Signed in as ${user.name}`) }).waitFor();
		expect(await signedInMark(older)).toMatchObject({ value: '1', httpOnly: false });
		await older.close();
	});

	it('says the same slips without JavaScript: the server refuses, under each field, with the page', async () => {
		const plain = await browser.newContext({ ...phone, baseURL: baseURL(), javaScriptEnabled: false });
		const tab = await plain.newPage();
		await tab.goto('/signin');
		await tab.getByRole('button', { name: 'Sign in' }).click();
		await tab.waitForURL(/\/signin$/);
		await expectNoteBeside(tab.getByLabel('Email'), 'Enter your email address.');
		await tab.getByLabel('Email').fill(user.email);
		await tab.getByRole('textbox', { name: 'Password' }).fill('not the password 2');
		await tab.getByRole('button', { name: 'Sign in' }).click();
		await expectNoteBeside(tab.getByRole('textbox', { name: 'Password' }), 'That email and password do not match an account.');
		expect(await tab.getByLabel('Email').inputValue()).toBe(user.email);
		await screenshot(tab, 'signin-error-no-js');
		await tab.goto('/signup');
		await tab.getByLabel('Name').fill('No Script');
		await tab.getByLabel('Email').fill(`noscript-${stamp}@example.com`);
		await tab.getByRole('textbox', { name: /^Password/ }).fill('lettersonly');
		await tab.getByRole('button', { name: 'Create account' }).click();
		await expectNoteBeside(tab.getByRole('textbox', { name: /^Password/ }), 'Add a digit or a symbol: letters alone are easy to guess.');
		await plain.close();
	});

	it('says a refusal about no one field above the fields: too many attempts', async () => {
		const tab = await (await phoneContext(browser)).newPage();
		await tab.goto('/signin');
		await tab.waitForLoadState('networkidle');
		await tab.getByLabel('Email').fill(`limited-ui-${stamp}@example.com`);
		const limited = tab.locator('p.alert').filter({ hasText: 'Too many attempts' });
		for (let i = 0; i < 12 && !(await limited.count()); i++) {
			await tab.getByRole('textbox', { name: 'Password' }).fill(`guess number ${i}`);
			const answered = tab.waitForResponse((r) => new URL(r.url()).pathname === '/signin' && r.request().method() === 'POST');
			await tab.getByRole('button', { name: 'Sign in' }).click();
			await answered;
		}
		await limited.waitFor();
		expect(await tab.locator('.field-note').count()).toBe(0);
		await screenshot(tab, 'signin-rate-limited');
		await tab.context().close();
	});

	it('rotates the session id on every sign-in', async () => {
		const before = (await sessionCookie(context))!.value;
		await signOut(page);
		await page.waitForURL(/\/signin$/);
		await page.getByLabel('Email').fill(user.email);
		await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(/\/dashboard$/);
		const after = (await sessionCookie(context))!.value;
		expect(after).not.toBe(before);
	});

	it('keeps what was typed before the page finished loading (a fast thumb, a password manager)', async () => {
		const early = await phoneContext(browser);
		const slow = await early.newPage();
		// The scripts arrive late, so the server-rendered form is filled before it hydrates.
		let release: () => void = () => {};
		const scriptsHeld = new Promise<void>((r) => (release = r));
		await slow.route('**/_app/immutable/**/*.js', async (route) => {
			await scriptsHeld;
			await route.continue();
		});
		await slow.goto('/signin', { waitUntil: 'domcontentloaded' });
		await slow.getByLabel('Email').fill(user.email);
		await slow.getByRole('textbox', { name: 'Password' }).fill(user.password);
		release();
		await slow.waitForLoadState('networkidle');
		await expect(slow.getByLabel('Email').inputValue()).resolves.toBe(user.email);
		await expect(slow.getByRole('textbox', { name: 'Password' }).inputValue()).resolves.toBe(user.password);
		await early.close();
	});

	it('resets a forgotten password with the link from the mail', async () => {
		await signOut(page, true);
		await page.waitForURL(/\/signin$/);
		await page.getByRole('link', { name: 'Forgot your password?' }).click();
		await page.waitForURL(/\/forgot$/);
		await noHorizontalScroll(page);
		await screenshot(page, 'forgot');
		await page.waitForLoadState('networkidle');
		await page.getByLabel('Email').fill(user.email.replace('@', ' at '));
		await page.getByRole('button', { name: 'Send reset link' }).click();
		await expectNoteBeside(page.getByLabel('Email'), 'Enter a valid email address, like name@example.com.');
		await screenshot(page, 'forgot-slip');
		// The shared email field keeps a too-long address whole (no maxlength to cut it into one "missing an '@'") and says the limit.
		const long = `${'a'.repeat(288)}@example.com`;
		await page.getByLabel('Email').fill(long);
		await expect(page.getByLabel('Email').inputValue()).resolves.toBe(long);
		await page.getByRole('button', { name: 'Send reset link' }).click();
		await expectNoteBeside(page.getByLabel('Email'), 'An email address is at most 254 characters.');
		await page.getByLabel('Email').fill(user.email);
		await page.getByRole('button', { name: 'Send reset link' }).click();
		await page.getByRole('status').filter({ hasText: 'we have sent it a link' }).waitFor();

		const mailDir = join(sharedApp().dataDir, 'mail');
		let mail;
		for (let i = 0; i < 40 && !mail; i++) {
			mail = readMailDir(mailDir).filter((m) => m.to.includes(user.email) && m.decoded.includes('/reset/')).at(-1);
			if (!mail) await new Promise((r) => setTimeout(r, 250));
		}
		expect(mail, `no reset mail in ${mailDir}`).toBeTruthy();
		const link = linkIn(mail!, '/reset/');
		expect(link.startsWith(`${baseURL()}/reset/`)).toBe(true);

		await page.goto(link);
		await noHorizontalScroll(page);
		await screenshot(page, 'reset');
		await page.waitForLoadState('networkidle');
		await page.getByRole('textbox', { name: /^New password/ }).fill('short 1');
		await page.getByRole('button', { name: 'Save password and sign in' }).click();
		await expectNoteBeside(page.getByRole('textbox', { name: /^New password/ }), 'Use at least 10 characters.');
		await screenshot(page, 'reset-slip');
		await page.getByRole('textbox', { name: /^New password/ }).fill('second pass 2027');
		await page.getByRole('button', { name: 'Save password and sign in' }).click();
		await page.waitForURL(/\/dashboard$/);
		await page.getByRole('link', { name: new RegExp(`Signed in as ${user.name}`) }).waitFor();

		// The link worked once.
		await page.goto(link);
		await page.getByRole('alert').filter({ hasText: 'expired or was already used' }).waitFor();
		await screenshot(page, 'reset-used');
	});

	it('signs out everywhere from Settings: the session on another phone ends too', async () => {
		const other = await phoneContext(browser);
		const second = await other.newPage();
		await second.goto('/signin');
		await second.getByLabel('Email').fill(user.email);
		await second.getByRole('textbox', { name: 'Password' }).fill('second pass 2027');
		await second.getByRole('button', { name: 'Sign in' }).click();
		await second.waitForURL(/\/dashboard$/);
		expect((await second.request.get('/trpc/me.profile')).status()).toBe(200);

		await page.goto('/settings');
		await page.getByRole('button', { name: 'Sign out everywhere' }).click();
		await page.waitForURL(/\/signin$/);
		expect((await second.request.get('/trpc/me.profile')).status()).toBe(401);
		// The other phone's app notices at its next refresh and asks to sign in again.
		await second.reload();
		await second.waitForURL(/\/signin/);
		await other.close();
	});

	it('shows an unknown invitation link as such', async () => {
		await page.goto('/invite/abcdefghijklmnopqrstuvwxyz234567');
		await page.getByRole('heading', { name: 'Invitation not found' }).waitFor();
		await screenshot(page, 'invite-unknown');
	});
});

describe('joining a team by an emailed invitation', () => {
	/** Maya, Acme Studio's owner, invites `email` as `role`; the link in the mail it gets. */
	async function invitationLink(email: string, role: 'member' | 'admin') {
		const owner = await phoneContext(browser);
		await owner.addCookies(sessionCookies('maya@quota.test'));
		const profile = await (await owner.request.get('/trpc/me.profile')).json();
		const team = profile.result.data.teams.find((t: { name: string }) => t.name === 'Acme Studio');
		const res = await owner.request.post('/trpc/team.invite', { data: { teamId: team.id, email, role } });
		expect(res.status()).toBe(200);
		await owner.close();

		const mailDir = join(sharedApp().dataDir, 'mail');
		let mail;
		for (let i = 0; i < 40 && !mail; i++) {
			mail = readMailDir(mailDir).filter((m) => m.to.includes(email)).at(-1);
			if (!mail) await new Promise((r) => setTimeout(r, 250));
		}
		expect(mail, `no invitation mail in ${mailDir}`).toBeTruthy();
		return linkIn(mail!, '/invite/');
	}

	it('an owner invites by email; the invitee creates an account from the link and joins the pool', async () => {
		const invitee = `new-member-${stamp}@example.com`;
		const link = await invitationLink(invitee, 'member');

		const context = await phoneContext(browser);
		const page = await context.newPage();
		await page.goto(link);
		await page.getByRole('heading', { name: 'Join Acme Studio' }).waitFor();
		// Who sent it, as the mail says: a link passed on by hand, without the mail, says it too.
		await page.getByText(`Maya Patel invited you as a member: you will share the team's token pool. The invitation was sent to ${invitee}.`, { exact: true }).waitFor();
		await noHorizontalScroll(page);
		await screenshot(page, 'invite');
		await page.getByRole('link', { name: 'Create an account' }).click();
		await page.waitForURL(/\/signup\?/);
		// The sign-up page names who invited them, the team, the role and what signing up does: they join it at once.
		await expect(page.getByRole('note').innerText()).resolves.toBe(
			`Maya Patel invited you to join Acme Studio as a member. Create your account with ${invitee} and you join the team at once, sharing its token pool.`
		);
		expect(await page.getByLabel('Email').inputValue()).toBe(invitee);
		await noHorizontalScroll(page);
		await screenshot(page, 'signup-team-invite');
		await page.getByLabel('Name').fill('Nina New');
		await page.getByRole('textbox', { name: /^Password/ }).fill('joining team 1');
		await page.getByRole('button', { name: 'Create account' }).click();
		// No second step on the invitation's page: the new account is in the team, and its page says so, once.
		await page.waitForURL((url) => url.pathname === '/team');
		const said = page.getByRole('status').filter({ hasText: 'You joined Acme Studio as a member.' });
		await said.waitFor();
		await page.getByRole('region', { name: 'Acme Studio pool' }).waitFor();
		expect(new URL(page.url()).search).toBe('');
		await noHorizontalScroll(page);
		await bothSizes(page, 'team-joined');
		const mine = await (await context.request.get('/trpc/me.profile')).json();
		expect(mine.result.data.teams).toEqual([expect.objectContaining({ name: 'Acme Studio', role: 'member' })]);
		// The invitation's link reached the address: it is confirmed, with no link of its own to open.
		expect(mine.result.data.emailConfirmed).toBe(true);
		await page.reload();
		await page.getByRole('region', { name: 'Acme Studio pool' }).waitFor();
		await waitForFresh(page);
		expect(await page.getByText('You joined').count()).toBe(0);
		await context.close();
	});

	it('a sign-up from an invitation with another address makes the account but joins nothing, and the invitation says why', async () => {
		const invited = `invited-admin-${stamp}@example.com`;
		const other = `someone-else-${stamp}@example.com`;
		const link = await invitationLink(invited, 'admin');
		const context = await phoneContext(browser);
		const page = await context.newPage();
		await page.goto(link);
		await page.getByRole('link', { name: 'Create an account' }).click();
		await page.waitForURL(/\/signup\?/);
		await expect(page.getByRole('note').innerText()).resolves.toBe(
			`Maya Patel invited you to join Acme Studio as an admin. Create your account with ${invited} and you join the team at once, sharing its token pool.`
		);
		await page.getByLabel('Name').fill('Otto Other');
		await page.getByLabel('Email').fill(other);
		await page.getByRole('textbox', { name: /^Password/ }).fill('joining team 2');
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.waitForURL((url) => url.pathname === new URL(link).pathname);
		await page.getByText(`You are signed in as ${other}. Sign in with ${invited} to accept.`).waitFor();
		const mine = await (await context.request.get('/trpc/me.profile')).json();
		expect(mine.result.data.teams).toEqual([]);
		expect(mine.result.data.emailConfirmed).toBe(false);
		// No Join button the server would refuse: the way on is signing in as the invited address, back to the invitation.
		await expect(page.getByRole('button', { name: 'Join the team' }).count()).resolves.toBe(0);
		await page.getByRole('button', { name: 'Sign out to switch account' }).click();
		await page.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('next') === new URL(link).pathname);
		await expect(page.getByLabel('Email').inputValue()).resolves.toBe(invited);
		await context.close();
	});
});

describe('request guards', () => {
	it('gives a visitor without a session a signed, HttpOnly guest cookie and replaces a forged one', async () => {
		const context = await phoneContext(browser);
		await context.request.get('/signin');
		const guest = (await context.cookies()).find((c) => c.name === 'quota_guest');
		expect(guest).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
		expect(guest!.value).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
		await context.request.get('/signin');
		expect((await context.cookies()).find((c) => c.name === 'quota_guest')!.value).toBe(guest!.value);

		const [id, mac] = guest!.value.split('.') as [string, string];
		const forged = `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}.${mac}`;
		await context.addCookies([{ name: 'quota_guest', value: forged, url: baseURL() }]);
		await context.request.get('/signin');
		const replaced = (await context.cookies()).find((c) => c.name === 'quota_guest')!.value;
		expect(replaced).not.toBe(forged);
		expect(replaced).not.toBe(guest!.value);
		await context.close();
	});

	it('JSON endpoints refuse form and text bodies (no cross-site simple posts)', async () => {
		const context = await phoneContext(browser);
		for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
			const res = await context.request.post('/trpc/me.updateProfile', { headers: { 'content-type': type, origin: baseURL() }, data: '{"name":"x"}' });
			expect(res.status()).toBe(415);
		}
		await context.close();
	});

	it('forms refuse cross-site posts (SvelteKit origin check)', async () => {
		const context = await phoneContext(browser);
		const res = await context.request.post('/signin', { headers: { origin: 'https://evil.example' }, form: { email: user.email, password: 'second pass 2027' } });
		expect(res.status()).toBe(403);
		expect((await context.cookies()).some((c) => c.name === 'quota_session')).toBe(false);
		await context.close();
	});

	it('rate limits sign-in attempts on the form with 429 and Retry-After', async () => {
		const context = await phoneContext(browser);
		const victim = `limited-${stamp}@example.com`;
		const attempt = (i: number, accept: string) =>
			context.request.post('/signin', { headers: { origin: baseURL(), accept }, form: { email: victim, password: `guess number ${i}` }, maxRedirects: 0 });
		for (let i = 0; i < 8; i++) expect((await attempt(i, 'text/html')).status()).toBe(400);
		// A plain form post (no JavaScript) gets the page with 429 and Retry-After.
		const page = await attempt(8, 'text/html');
		expect(page.status()).toBe(429);
		expect(Number(page.headers()['retry-after'])).toBeGreaterThan(0);
		expect(await page.text()).toContain('Too many attempts');
		// An enhanced submission (fetch, JSON answer) carries the same status and header.
		const enhanced = await attempt(9, 'application/json');
		expect(await enhanced.json()).toMatchObject({ type: 'failure', status: 429 });
		expect(Number(enhanced.headers()['retry-after'])).toBeGreaterThan(0);
		await context.close();
	});
});
