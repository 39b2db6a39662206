// Settings' profile on a phone: a member changes their name (the header says it at once), is told
// under the field when the current password is wrong or the address is someone else's, changes their
// password (their other device is signed out, this one stays), signs out and signs in with the new
// password. Users of the test's own (ownUser) on the shared app: the demo's logins keep their names
// and passwords for the files beside it.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { phone, launch, phoneContext, screenshot } from './browser';
import { axe, boxesTogether, expectNoteBeside, maya, openAs, OWN_USER_PASSWORD, ownUser, screen, waitForFresh } from './app';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

const NEW_PASSWORD = 'leo new pass 2027';

/** Signs in on the sign-in page with `password`, as a person would; waits for `next`. */
async function signInWith(page: Page, email: string, password: string, next = '/settings') {
	await page.goto(`/signin?next=${encodeURIComponent(next)}`);
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
}


describe('the profile in Settings', () => {
	it('changes the name, refuses a wrong password and a taken address under their fields, changes the password and signs in with it', { timeout: 180_000 }, async () => {
		// The phone Leo signed up on is his other device.
		const leo = await ownUser(browser, 'Leo Martin', 0);
		const other = { context: leo.context, page: leo.page };

		const context = await phoneContext(browser);
		const page = await context.newPage();
		await signInWith(page, leo.email, OWN_USER_PASSWORD);
		await page.waitForURL(/\/settings$/);
		const profile = page.getByRole('region', { name: 'Profile' });
		const name = profile.getByLabel('Name');
		await expect.poll(() => name.inputValue()).toBe('Leo Martin');
		expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
		expect(await axe(page)).toEqual([]);

		// The name: an empty one is said under the field and nothing is sent; a new one shows in the header at once.
		await name.fill('   ');
		await profile.getByRole('button', { name: 'Save name' }).click();
		await expectNoteBeside(name, 'Enter your name.');
		await name.fill('  Leo Marvel ');
		await profile.getByRole('button', { name: 'Save name' }).click();
		await profile.getByText('Name changed to Leo Marvel.').waitFor();
		await expect.poll(() => page.locator('header .name').innerText()).toBe('Leo Marvel');
		expect(await name.inputValue()).toBe('Leo Marvel');

		// The address: a wrong current password, then an address Maya has: each under its field, nothing changed.
		const emailForm = profile.getByRole('form', { name: 'Email address' });
		const email = emailForm.getByLabel('Email');
		const emailPassword = emailForm.getByLabel('Current password');
		expect(await email.inputValue()).toBe(leo.email);
		await email.fill(maya.email.toUpperCase());
		await emailPassword.fill('not my password 1');
		await emailForm.getByRole('button', { name: 'Change email' }).click();
		await expectNoteBeside(emailPassword, 'That is not your current password.');
		// The name's answer went when this form was sent: it answered another action.
		expect(await profile.getByText('Name changed to Leo Marvel.').count()).toBe(0);
		await emailPassword.fill(OWN_USER_PASSWORD);
		await emailForm.getByRole('button', { name: 'Change email' }).click();
		await expectNoteBeside(email, 'An account with this email already exists.');
		await emailForm.scrollIntoViewIfNeeded();
		await screen(page, 'profile-email-taken-390');

		// The password: the other device is signed out, this one stays and says so.
		const passwordForm = profile.getByRole('form', { name: 'Password' });
		const newPassword = passwordForm.getByLabel('New password');
		await passwordForm.getByLabel('Current password').fill(OWN_USER_PASSWORD);
		await newPassword.fill('lettersonly');
		await passwordForm.getByRole('button', { name: 'Change password' }).click();
		await expectNoteBeside(newPassword, 'Add a digit or a symbol: letters alone are easy to guess.');
		// The address's refusal answered another action: it went when this form was sent, the field no longer marked.
		expect(await emailForm.getByText('An account with this email already exists.').count()).toBe(0);
		expect(await email.getAttribute('aria-invalid')).toBeNull();
		await passwordForm.scrollIntoViewIfNeeded();
		await screen(page, 'profile-password-refused-390');
		await newPassword.fill(NEW_PASSWORD);
		await passwordForm.getByRole('button', { name: 'Change password' }).click();
		const said = profile.getByText(/^Password changed\. Your \d+ other sessions? (was|were) signed out\. You stay signed in on this device\.$/);
		await said.waitFor();
		expect(await passwordForm.getByLabel('New password').inputValue()).toBe('');
		await screen(page, 'profile-password-changed-390');
		await page.reload();
		await expect.poll(() => page.locator('header .name').innerText()).toBe('Leo Marvel');
		expect(new URL(page.url()).pathname).toBe('/settings');
		await other.page.reload();
		await other.page.waitForURL(/\/signin/);
		await other.context.close();

		// Signed out, the old password no longer signs in; the new one does, and the header has the new name.
		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		await page.waitForURL(/\/signin/);
		await signInWith(page, leo.email, OWN_USER_PASSWORD, '/dashboard');
		await page.getByText('That email and password do not match an account.').waitFor();
		await signInWith(page, leo.email, NEW_PASSWORD, '/dashboard');
		await page.waitForURL(/\/dashboard$/);
		await expect.poll(() => page.locator('header .name').innerText()).toBe('Leo Marvel');
		await context.close();

		// The site admin reads each change in the audit log, in words.
		const admin = await openAs(browser, 'admin@quota.test', `/admin/audit?account=${encodeURIComponent(leo.email)}`);
		const entries = admin.page.getByRole('listitem');
		const renamed = entries.filter({ hasText: 'Name changed in Settings' });
		await renamed.first().waitFor();
		await expect(renamed.getByRole('row').filter({ hasText: 'Name' }).getByRole('cell').allTextContents()).resolves.toEqual(['Leo Martin', 'Leo Marvel']);
		await expect(entries.filter({ hasText: 'Password changed in Settings' }).innerText()).resolves.toMatch(/Other sessions signed out\s+\d+/);
		await expect(entries.filter({ hasText: 'Wrong current password in Settings' }).innerText()).resolves.toMatch(/Trying to change\s+their e-mail address/);
		await entries.filter({ hasText: 'Password changed in Settings' }).scrollIntoViewIfNeeded();
		await screen(admin.page, 'profile-audit-390');
		await admin.context.close();
	});

	it('on a desktop: the address and the password side by side, a slip under each field it is about', { timeout: 60_000 }, async () => {
		const { context, page } = await ownUser(browser, 'Maya Patel', 0, { viewport: { width: 1280, height: 800 } } as typeof phone);
		await page.goto('/settings');
		const profile = page.getByRole('region', { name: 'Profile' });
		await expect.poll(() => profile.getByLabel('Name').inputValue()).toBe('Maya Patel');
		// The address refused (a wrong current password), then the password form sent: only its refusal stays up.
		const emailForm = profile.getByRole('form', { name: 'Email address' });
		await emailForm.getByLabel('Email').fill('maya.new@quota.test');
		await emailForm.getByLabel('Current password').fill('not it 12345');
		await emailForm.getByRole('button', { name: 'Change email' }).click();
		await expectNoteBeside(emailForm.getByLabel('Current password'), 'That is not your current password.');
		const passwordForm = profile.getByRole('form', { name: 'Password' });
		await passwordForm.getByLabel('Current password').fill('not it 12345');
		await passwordForm.getByLabel('New password').fill('short');
		await passwordForm.getByRole('button', { name: 'Change password' }).click();
		await expectNoteBeside(passwordForm.getByLabel('New password'), 'Use at least 10 characters.');
		expect(await emailForm.getByText('That is not your current password.').count()).toBe(0);
		expect(await emailForm.getByLabel('Current password').getAttribute('aria-invalid')).toBeNull();
		await passwordForm.getByLabel('New password').fill('maya new pass 2027');
		await passwordForm.getByRole('button', { name: 'Change password' }).click();
		await expectNoteBeside(passwordForm.getByLabel('Current password'), 'That is not your current password.');
		// Side by side: the two forms start level.
		const [emailBox, passwordBox] = await boxesTogether(profile.getByRole('form', { name: 'Email address' }), passwordForm);
		expect(Math.abs(emailBox!.y - passwordBox!.y)).toBeLessThan(2);
		expect(passwordBox!.x).toBeGreaterThan(emailBox!.x + emailBox!.width);
		await page.evaluate(() => window.scrollTo(0, 0));
		await screen(page, 'profile-1280');
		expect(await axe(page)).toEqual([]);
		await context.close();
	});
});

describe('a name as a person reads it', () => {
	it('the header shows a joined emoji whole as the initial, and a name of 100 of them is taken, the 101st refused with the limit', async () => {
		const { context, page } = await ownUser(browser, 'Emoji Person', 0);
		onTestFinished(() => context.close());
		await page.goto('/settings');
		await waitForFresh(page);
		const profile = page.getByRole('region', { name: 'Profile' });
		const name = profile.getByLabel('Name');
		await name.fill('👩‍💻 Dev');
		await profile.getByRole('button', { name: 'Save name' }).click();
		await page.getByText('Name changed to 👩‍💻 Dev.').waitFor();
		await expect.poll(() => page.locator('header .avatar').innerText()).toBe('👩‍💻');
		await screenshot(page, 'name-emoji-avatar-390', { firstScreen: true });

		await name.fill('🇫🇷'.repeat(101));
		await profile.getByRole('button', { name: 'Save name' }).click();
		await page.getByText('A name is at most 100 characters (an emoji or a flag counts as one).').waitFor();
		await name.fill('🇫🇷'.repeat(100)); // 400 UTF-16 units: 100 flags
		await profile.getByRole('button', { name: 'Save name' }).click();
		await page.getByText(/^Name changed to 🇫🇷/).waitFor();
		await expect.poll(() => page.locator('header .avatar').innerText()).toBe('🇫🇷');
	});
});
