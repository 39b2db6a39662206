import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launch } from './browser';
import { expectJustUnder, screen } from './app';
import { openAt, sizes, searchAccounts } from './console';

// A refusal of one field is said under that field, which is marked invalid, names the note
// (aria-describedby) and takes the focus; the form's box by its button stays for refusals of no one field.

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/**
 * `field`'s refusal matching `text`: in the note it names, just under it, the field invalid and focused
 * (`focused: false` for a form's second refused field: the first has the focus); no box by the button.
 */
async function expectRefusalUnder(field: Locator, text: RegExp, form: Locator, { focused = true } = {}) {
	const id = await field.getAttribute('id');
	const note = field.page().locator(`[id="${id}-note"]`);
	await expect.poll(() => note.textContent()).toMatch(text);
	expect(await field.getAttribute('aria-invalid')).toBe('true');
	expect((await field.getAttribute('aria-describedby'))?.split(' ')).toContain(`${id}-note`);
	expect(await field.evaluate((e) => e === document.activeElement)).toBe(focused);
	await expectJustUnder(field, note);
	// The note is the form's only alert: nothing in a box by the button.
	await expect(form.locator('.alert').count()).resolves.toBe(0);
}

const admin = 'admin@quota.test';

/** `text` put in `field` past the field's own limit, as a browser without the page's script or an old one could: the server's refusal is then the one said. */
const fillPastLimit = (field: Locator, text: string) =>
	field.evaluate((e: HTMLInputElement, t) => {
		e.value = t;
		e.dispatchEvent(new Event('input', { bubbles: true }));
	}, text);

for (const size of sizes) {
	describe(`refusals under their fields on a ${size.name}`, () => {
		let page: Page;
		let close: () => Promise<void>;
		beforeAll(async () => {
			const opened = await openAt(browser, admin, size);
			page = opened.page;
			close = () => opened.context.close();
		});
		afterAll(async () => close?.());

		it('an API key’s name: the form’s own check, and the server’s refusal of a name it let through', async () => {
			await page.goto('/admin/keys');
			const form = page.getByRole('form', { name: 'Create a site key' });
			const name = form.getByLabel('Name', { exact: true });
			await form.getByRole('button', { name: 'Create key' }).click();
			await expectRefusalUnder(name, /^Name the key after the app that uses it, like Chatbot\.$/, form);
			// Past the field's own length limit (a pasted name, an old browser): the server's refusal comes back under the field too.
			await fillPastLimit(name, 'x'.repeat(81));
			await form.getByRole('button', { name: 'Create key' }).click();
			await expectRefusalUnder(name, /Keep the name under 80 characters\.$/, form);
			await screen(page, `field-refusal-key-name-${size.name}`);
		});

		it('the site’s team pool cap on Limits', async () => {
			await page.goto('/admin/limits');
			await page.getByRole('region', { name: 'Periods, spend order and caps' }).getByRole('button', { name: /^Edit/ }).click();
			const form = page.getByRole('form', { name: 'Periods, spend order and caps' });
			const cap = form.getByLabel("Each team's daily cap (default, tokens)");
			const memberCap = form.getByLabel("Each team member's daily cap (default, tokens)");
			const memberOriginal = await memberCap.inputValue();
			await cap.fill('lots');
			await memberCap.fill('-1');
			await form.getByRole('button', { name: 'Save site settings' }).click();
			// Each refused cap is said under its own field, the focus on the first.
			await expectRefusalUnder(cap, /^A daily cap is a whole number of tokens, or empty for none\.$/, form);
			await expectRefusalUnder(memberCap, /^A daily cap is a whole number of tokens, or empty for none\.$/, form, { focused: false });
			await screen(page, `field-refusal-team-cap-${size.name}`);
			// Too many digits is a whole number too: the slip says the maximum.
			await memberCap.fill('99999999999999999999');
			await form.getByRole('button', { name: 'Save site settings' }).click();
			await expectRefusalUnder(memberCap, /^A daily cap is at most 1,000,000,000,000 tokens\.$/, form, { focused: false });
			// Typing again takes the slips away.
			await cap.fill('');
			await expect(cap.getAttribute('aria-invalid')).resolves.toBeNull();
			await expect(memberCap.getAttribute('aria-invalid')).resolves.toBeNull();
			await memberCap.fill(memberOriginal);
			await form.getByRole('button', { name: 'Cancel' }).click();
		});

		it('a module’s guest limit and its limit message', async () => {
			await page.goto('/admin/limits');
			await page.getByRole('region', { name: 'Chatbot' }).getByRole('button', { name: 'Edit limits of Chatbot' }).click();
			const form = page.getByRole('form', { name: 'Chatbot: free allowances' });
			const guest = form.getByLabel('Guest limit (tokens)');
			const message = form.getByLabel('Limit message', { exact: true });
			const original = await guest.inputValue();
			await guest.fill('ten');
			await form.getByRole('button', { name: 'Save Chatbot' }).click();
			await expectRefusalUnder(guest, /whole number/, form);
			// Its preview promises nothing for a limit typed wrong (not "unlimited free use", not "no limit"): it says it is not valid, as the refusal does, while it is typed.
			const preview = form.getByRole('listitem').filter({ hasText: /^A guest / });
			await preview.filter({ hasText: 'A guest has a limit that is not valid: a whole number of tokens (0: not available), or choose Unlimited or None.' }).waitFor();
			for (const typed of ['-5', '1.5']) {
				await guest.fill(typed);
				await preview.filter({ hasText: 'A guest has a limit that is not valid: a whole number of tokens (0: not available), or choose Unlimited or None.' }).waitFor();
				await expect(preview.textContent()).resolves.not.toMatch(/no limit/);
			}
			await preview.scrollIntoViewIfNeeded();
			await screen(page, `limits-preview-invalid-${size.name}`);
			await screen(page, `field-refusal-guest-limit-${size.name}`);
			await guest.fill(original);
			await message.fill('   ');
			await form.getByRole('button', { name: 'Save Chatbot' }).click();
			await expectRefusalUnder(message, /^Write the limit message\.$/, form);
			await screen(page, `field-refusal-limit-message-${size.name}`);
			await form.getByRole('button', { name: 'Cancel' }).click();
		});

		it('a module’s limits refused together: each refused field has its own note beside it, not only the first', async () => {
			await page.goto('/admin/limits');
			await page.getByRole('region', { name: 'Chatbot' }).getByRole('button', { name: 'Edit limits of Chatbot' }).click();
			const form = page.getByRole('form', { name: 'Chatbot: free allowances' });
			await form.getByRole('radio', { name: 'Role-based: a limit per role' }).check();
			const guest = form.getByLabel('Guest limit (tokens)');
			const adminRole = form.getByLabel('Admin (tokens)');
			await guest.fill('-10');
			await adminRole.fill('abc');
			await form.getByRole('button', { name: 'Save Chatbot' }).click();
			const rule = /^A whole number of tokens \(0: not available\), or choose Unlimited or None\.$/;
			await expectRefusalUnder(guest, rule, form);
			await expectRefusalUnder(adminRole, rule, form, { focused: false });
			await adminRole.scrollIntoViewIfNeeded();
			await screen(page, `field-refusal-limits-two-${size.name}`);
			await form.getByRole('button', { name: 'Cancel' }).click();
		});

		it('a long limit message: the room left is said under it near the maximum, politely, not cut silently', async () => {
			await page.goto('/admin/limits');
			await page.getByRole('region', { name: 'Chatbot' }).getByRole('button', { name: 'Edit limits of Chatbot' }).click();
			const form = page.getByRole('form', { name: 'Chatbot: free allowances' });
			const message = form.getByLabel('Limit message', { exact: true });
			const room = form.locator(`[id="${await message.getAttribute('id')}-room"]`);
			await expect(room.getAttribute('aria-live')).resolves.toBe('polite');
			await message.fill('x'.repeat(300)); // room enough: nothing said
			await expect(room.textContent()).resolves.toBe('');
			await message.fill('x'.repeat(488));
			await expect.poll(() => room.textContent()).toBe('12 characters left');
			await expectJustUnder(message, room);
			await screen(page, `room-left-limit-message-${size.name}`);
			await message.pressSequentially('y'.repeat(15)); // 3 past the maximum are not taken, and it says so
			await expect.poll(() => room.textContent()).toBe('No room left: 500 characters at most; 1 character did not fit');
			await expect(message.inputValue()).resolves.toHaveLength(500);
			await form.getByRole('button', { name: 'Cancel' }).click();
		});

		it('an API key’s name: the room left once near its 80 characters', async () => {
			await page.goto('/admin/keys');
			const form = page.getByRole('form', { name: 'Create a site key' });
			const name = form.getByLabel('Name', { exact: true });
			await name.fill('k'.repeat(70));
			const room = form.locator('[id="key-name-room"]');
			await expect.poll(() => room.textContent()).toBe('10 characters left');
			await expectJustUnder(name, room);
			await screen(page, `room-left-key-name-${size.name}`);
			await name.fill('');
		});

		it('an API key’s name: the room left goes once the key is made and the field empties', async () => {
			await page.goto('/admin/keys');
			const form = page.getByRole('form', { name: 'Create a site key' });
			const name = form.getByLabel('Name', { exact: true });
			const keyName = `${`Room ${size.name} ${'the app that made this key '.repeat(3)}`.slice(0, 79)}X`;
			await name.fill(keyName);
			const room = form.locator('[id="key-name-room"]');
			await expect.poll(() => room.textContent()).toBe('No room left: 80 characters at most');
			await form.getByRole('button', { name: 'Create key' }).click();
			const shown = page.getByRole('region', { name: `New key “${keyName}”` });
			await shown.waitFor();
			await expect(name.inputValue()).resolves.toBe('');
			// Before, the empty field still said "No room left: 80 characters at most" under it.
			await expect.poll(() => room.textContent()).toBe('');
			await shown.getByRole('button', { name: 'Done' }).click();
			const item = page.getByRole('listitem').filter({ hasText: keyName });
			await item.getByRole('button', { name: /^Revoke…/ }).click();
			await item.getByRole('button', { name: `Revoke ${keyName}` }).click();
			await item.getByText('Revoked', { exact: true }).waitFor();
		});

		it('an API key’s name of 80 flags: each one character, as a person counts them, the 81st not taken, and the key made with that name', async () => {
			await page.goto('/admin/keys');
			const form = page.getByRole('form', { name: 'Create a site key' });
			const name = form.getByLabel('Name', { exact: true });
			const room = form.locator('[id="key-name-room"]');
			// 64 flags are 256 UTF-16 units: a maxlength of 80 stopped at 20 of them, and said the room left in units.
			await name.fill('🇫🇷'.repeat(64));
			await expect.poll(() => room.textContent()).toBe('16 characters left');
			// Pasted past the end, and typed on: what fits is taken, where it goes, and no more; what did not fit is said.
			await name.fill(`${'🇫🇷'.repeat(78)}👩‍💻👩‍💻👩‍💻👩‍💻`);
			await expect.poll(() => room.textContent()).toBe('No room left: 80 characters at most; 2 characters did not fit');
			await screen(page, `room-left-key-name-cut-${size.name}`);
			await name.pressSequentially('é');
			const keyName = `${'🇫🇷'.repeat(78)}👩‍💻👩‍💻`;
			await expect(name.inputValue()).resolves.toBe(keyName);
			await expect.poll(() => room.textContent()).toBe('No room left: 80 characters at most; 1 character did not fit');
			await form.getByRole('button', { name: 'Create key' }).click();
			const shown = page.getByRole('region', { name: `New key “${keyName}”` });
			await shown.waitFor();
			await screen(page, `room-left-key-name-flags-${size.name}`);
			await shown.getByRole('button', { name: 'Done' }).click();
			const item = page.getByRole('listitem').filter({ hasText: keyName });
			await item.getByRole('button', { name: /^Revoke…/ }).click();
			await item.getByRole('button', { name: `Revoke ${keyName}` }).click();
			await item.getByText('Revoked', { exact: true }).waitFor();
		});

		it('a module’s member limit left empty: refused under it, unlimited only when chosen, and saved so', async () => {
			await page.goto('/admin/limits');
			const card = page.getByRole('region', { name: 'AI Forms' });
			await card.getByRole('button', { name: 'Edit limits of AI Forms' }).click();
			const form = page.getByRole('form', { name: 'AI Forms: free allowances' });
			await form.getByLabel('General: one limit for every user').check();
			const members = form.getByLabel('User limit (tokens)');
			const original = await members.inputValue();
			await members.fill('');
			await form.getByRole('button', { name: 'Save AI Forms' }).click();
			await expectRefusalUnder(members, /^Enter a number of tokens \(0: not available\), or choose Unlimited or None\.$/, form);
			await form.getByRole('listitem').filter({ hasText: 'A user has no limit set yet: enter a number of tokens (0: not available), or choose Unlimited or None.' }).waitFor();
			await screen(page, `field-refusal-member-limit-${size.name}`);

			// Unlimited, chosen: the number is set aside, the preview says so, and it saves as unlimited.
			const choice = form.getByLabel('User limit', { exact: true });
			await choice.selectOption('unlimited');
			await expect(members.count()).resolves.toBe(0);
			await form.getByRole('listitem').filter({ hasText: /^A user gets unlimited free use\.$/ }).waitFor();
			// Unlimited never runs out, and guests get none of AI Forms: nothing to say of running out.
			await expect(form.getByText(/no balance is left:/).count()).resolves.toBe(0);
			await screen(page, `limits-member-unlimited-${size.name}`);
			await form.getByRole('button', { name: 'Save AI Forms' }).click();
			await card.getByRole('status').getByText('AI Forms saved. Recorded in the audit log.').waitFor();
			await card.getByText('A user gets unlimited free use.').waitFor();

			// Back to what it was: the choice starts at Unlimited, and a number again once Free tokens is chosen.
			await card.getByRole('button', { name: 'Edit limits of AI Forms' }).click();
			await expect(choice.inputValue()).resolves.toBe('unlimited');
			await choice.selectOption('tokens');
			await form.getByLabel('User limit (tokens)').fill(original);
			await form.getByRole('button', { name: 'Save AI Forms' }).click();
			await card.getByRole('status').getByText('AI Forms saved. Recorded in the audit log.').waitFor();
			await expect(card.getByText('A user gets unlimited free use.').count()).resolves.toBe(0);
		});

		it('a feature’s rate on Rates', async () => {
			await page.goto('/admin/rates');
			await page.getByRole('button', { name: 'Edit Search prices' }).click();
			const form = page.getByRole('form', { name: 'Edit Search prices' });
			const rate = form.getByLabel(/^Tokens per /);
			await rate.fill('a lot');
			await form.getByRole('button', { name: 'Save feature' }).click();
			await expectRefusalUnder(rate, /./, form);
			await form.getByRole('button', { name: 'Cancel' }).click();

			// A field left empty is said under it in the console's words (not the browser's "Please fill out this field").
			const models = page.getByRole('form', { name: 'Add to models' });
			await models.getByLabel('Key', { exact: true }).fill('blank-name');
			await models.getByLabel('Name', { exact: true }).fill('   ');
			await models.getByRole('button', { name: 'Add' }).click();
			await expectRefusalUnder(models.getByLabel('Name', { exact: true }), /Enter the name\./, models);

			// A model's key the server would refuse is said under the key, in the rule the server keeps (lib/catalog-key.ts).
			await models.getByLabel('Key', { exact: true }).fill('Not A Key!');
			// Named per size: the two sizes add to one site, where a model's name is its own (Rates refuses a namesake).
			await models.getByLabel('Name', { exact: true }).fill(`Refused model ${size.name}`);
			await models.getByLabel('Engine', { exact: true }).fill('none');
			await models.getByRole('button', { name: 'Add' }).click();
			await expectRefusalUnder(models.getByLabel('Key', { exact: true }), /^The key is 1 to 64 lower-case letters/, models);
			await screen(page, `field-refusal-model-key-${size.name}`);
			// Corrected, it is added, and the form is empty again for the next one.
			await models.getByLabel('Key', { exact: true }).fill(`added-${size.name}-${Date.now().toString(36)}`);
			await models.getByRole('button', { name: 'Add' }).click();
			await page.getByText(`“Refused model ${size.name}” saved. Recorded in the audit log.`).waitFor();
			await expect.poll(() => models.getByLabel('Name', { exact: true }).inputValue()).toBe('');
		});

		it('a balance adjustment’s reason the server refuses (past its length), nothing changed', async () => {
			await page.goto('/admin/users');
			await searchAccounts(page, 'leo@quota.test');
			const row = page.getByRole('row').filter({ hasText: 'Leo Martin' });
			await row.getByRole('button', { name: /^Balance of Leo Martin/ }).click();
			const form = page.getByRole('form', { name: /^Adjust the balance of Leo Martin/ });
			await form.getByLabel(/^General balance/).fill('+1');
			const reason = form.getByLabel(/^Reason/);
			await fillPastLimit(reason, 'x'.repeat(501));
			await form.getByRole('button', { name: 'Save' }).click();
			await expectRefusalUnder(reason, /500/, form);
			await form.getByRole('button', { name: 'Cancel' }).click();
		});

		it('a package’s description the server refuses (past its length) on Catalog', async () => {
			await page.goto('/admin/catalog');
			const form = page.locator('#package-form');
			await form.getByLabel('Name', { exact: true }).fill('Refused pack');
			await form.getByLabel('Id', { exact: true }).fill(`refused-${size.name}-${Date.now().toString(36)}`);
			await form.locator('#pkg-price').fill('5');
			await form.locator('#grant-tokens-0').fill('1000');
			const description = form.getByLabel('Description', { exact: true });
			await fillPastLimit(description, 'x'.repeat(401));
			await form.getByRole('button', { name: /^(Add|Save)/ }).click();
			await expectRefusalUnder(description, /400/, form);
			await screen(page, `field-refusal-package-description-${size.name}`);
		});
	});
}
