import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { launch } from './browser';
import { expectNoteBeside, screen } from './app';
import { expectSound, openAt, sizes } from './console';
import { CATALOG_KEY_RULE } from '../../src/lib/catalog-key';

// On Rates, a site admin on a phone: a key's hint gives the whole rule the server keeps (its 64
// characters too), and a key that breaks it is said under the field before anything is sent; a
// feature added by mistake can be removed, asked once more first, while nothing has used it; one
// that was used stays, and Remove… says at once how often and to disable it instead. A module likewise:
// removed while no feature is in it and its allowance was never used, else kept, saying why at once.
let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** Whether all of `l` is within the window (not scrolled off above or below). */
const inView = (l: Locator) => l.evaluate((e) => {
	const r = e.getBoundingClientRect();
	return r.top >= 0 && r.bottom <= window.innerHeight;
});

describe('features and keys on Rates', () => {
	it('says the key rule, checks it before sending, removes an unused feature and keeps a used one (phone)', async () => {
		const { context, page } = await openAt(browser, 'admin@quota.test', sizes[0]);
		const sent: string[] = [];
		page.on('request', (r) => void (/admin\.(features|modules|models)\.(upsert|remove)/.test(r.url()) && sent.push(r.url().replace(/^.*\/trpc\//, ''))));
		try {
			await page.goto('/admin/rates');
			// The modules' and models' Add forms say the rule under their key, as the feature's does.
			for (const list of ['modules', 'models']) {
				const form = page.getByRole('form', { name: `Add to ${list}` });
				await form.getByText(CATALOG_KEY_RULE).waitFor();
				const key = form.getByLabel('Key', { exact: true });
				if (list === 'modules') {
					await key.scrollIntoViewIfNeeded();
					await screen(page, 'rates-module-key-hint-390');
				}
				await key.fill('x'.repeat(65));
				await form.getByLabel('Name', { exact: true }).fill('Too long a key');
				await form.getByLabel(list === 'modules' ? 'Limit message' : 'Engine', { exact: true }).fill('x');
				await form.getByRole('button', { name: 'Add' }).click();
				await expectNoteBeside(key, CATALOG_KEY_RULE);
				// The rule is said once: the note takes the hint's place.
				await expect(form.getByText(CATALOG_KEY_RULE).count()).resolves.toBe(1);
				if (list === 'models') {
					await key.scrollIntoViewIfNeeded();
					await screen(page, 'rates-model-key-rule-390');
				}
			}

			await page.getByRole('button', { name: 'New feature' }).click();
			const editor = page.getByRole('form', { name: 'New feature' });
			const key = editor.getByLabel('Key', { exact: true });
			await editor.getByText(CATALOG_KEY_RULE).waitFor();
			await key.fill('Mistake Feature');
			await editor.getByLabel('Name', { exact: true }).fill('Mistake');
			await editor.getByLabel(/^Tokens per /).fill('3');
			await editor.getByRole('button', { name: 'Add feature' }).click();
			await expectNoteBeside(key, CATALOG_KEY_RULE);
			await screen(page, 'rates-feature-key-rule-390');
			expect(sent).toEqual([]);

			const stamp = Date.now().toString(36);
			const name = `Mistake ${stamp}`;
			await key.fill(`mistake_${stamp}`);
			await editor.getByLabel('Name', { exact: true }).fill(name);
			await editor.getByRole('button', { name: 'Add feature' }).click();
			await page.getByText(`“${name}” added. Recorded in the audit log; the playground and the API charge its rate from now on.`).waitFor();

			// Removed: asked once more first, then gone from the list, said above it.
			await page.getByRole('button', { name: `Edit ${name}` }).click();
			const edit = page.getByRole('form', { name: `Edit ${name}` });
			await edit.getByRole('button', { name: `Remove… ${name}` }).click();
			await edit.getByText(`Remove “${name}”? Only a feature nothing has used can go.`).waitFor();
			await edit.getByRole('button', { name: 'Keep it' }).waitFor();
			await edit.getByRole('button', { name: `Remove ${name}` }).scrollIntoViewIfNeeded();
			await screen(page, 'rates-feature-remove-confirm-390');
			await expectSound(page);
			await edit.getByRole('button', { name: `Remove ${name}` }).click();
			// Said beside the list, where the editor was, and in view: not at the page's top, out of sight on a phone.
			const removed = page.getByRole('region', { name: 'Features' }).getByRole('status').getByText(`“${name}” removed. Recorded in the audit log; the API no longer knows its key.`);
			await removed.waitFor();
			// Said once the list is read again: the row is gone by then.
			await expect(page.getByRole('button', { name: `Edit ${name}` }).count()).resolves.toBe(0);
			await expect.poll(() => inView(removed)).toBe(true);
			await screen(page, 'rates-feature-removed-390');

			// Used (the demo's chats): said at once, asking nothing, in words that say how often and what to do instead; it stays.
			await page.getByRole('button', { name: 'Edit Chatbot reply' }).click();
			const used = page.getByRole('form', { name: 'Edit Chatbot reply' });
			await used.getByRole('button', { name: 'Remove… Chatbot reply' }).click();
			const refusal = used.getByRole('alert');
			await refusal.getByText(/^“Chatbot reply” has been used [\d,]+ times; disable it instead: a disabled feature is refused, and its history and rate stay\.$/).waitFor();
			await used.getByRole('button', { name: 'Save feature' }).waitFor();
			await expect(used.getByRole('button', { name: 'Remove Chatbot reply' }).count()).resolves.toBe(0);
			await refusal.scrollIntoViewIfNeeded();
			await screen(page, 'rates-feature-remove-refused-390');
			await expectSound(page);
			await used.getByRole('button', { name: 'Cancel' }).click();
			await page.getByRole('button', { name: 'Edit Chatbot reply' }).waitFor();
			expect(sent.filter((s) => s.includes('remove'))).toHaveLength(1);

			// A module added by mistake goes the same way; one with features stays, the page saying what to do first.
			const modules = page.getByRole('form', { name: 'Add to modules' });
			const moduleName = `Mistake module ${stamp}`;
			await modules.getByLabel('Key', { exact: true }).fill(`mistake_m_${stamp}`);
			await modules.getByLabel('Name', { exact: true }).fill(moduleName);
			await modules.getByLabel('Limit message', { exact: true }).fill('Limit reached.');
			await modules.getByRole('button', { name: 'Add' }).click();
			await page.getByText(`“${moduleName}” saved.`, { exact: false }).waitFor();
			await page.getByRole('button', { name: `Edit ${moduleName}` }).click();
			const mistake = page.getByRole('form', { name: `Edit ${moduleName}`, exact: true });
			await mistake.getByRole('button', { name: `Remove… ${moduleName}` }).click();
			await mistake.getByText(`Remove “${moduleName}”? Only a module with no features, whose free allowance was never used, can go.`).waitFor();
			await mistake.getByRole('button', { name: `Remove ${moduleName}` }).scrollIntoViewIfNeeded();
			await screen(page, 'rates-module-remove-confirm-390');
			await mistake.getByRole('button', { name: `Remove ${moduleName}` }).click();
			await page.getByRole('status').getByText(`“${moduleName}” removed. Recorded in the audit log.`).waitFor();
			await expect(page.getByRole('button', { name: `Edit ${moduleName}` }).count()).resolves.toBe(0);
			await page.getByRole('button', { name: 'Edit Chatbot', exact: true }).click();
			const chat = page.getByRole('form', { name: 'Edit Chatbot', exact: true });
			await chat.getByRole('button', { name: 'Remove… Chatbot' }).click();
			const kept = chat.getByRole('alert');
			await kept.getByText(/^“Chatbot” has \d+ features? \(.*“Chatbot reply”.*\): move (it|them) to another module or remove (it|them) first\. A feature that was used stays: disable it instead\.$/).waitFor();
			await kept.scrollIntoViewIfNeeded();
			await expect(chat.getByRole('button', { name: 'Remove Chatbot', exact: true }).count()).resolves.toBe(0);
			await screen(page, 'rates-module-remove-refused-390');
			expect(sent.filter((s) => s.includes('remove'))).toHaveLength(2);

			// A model likewise (it had no Remove… at all: one added by mistake sat in every model picker for good).
			const models = page.getByRole('form', { name: 'Add to models' });
			const modelName = `Mistake model ${stamp}`;
			await models.getByLabel('Key', { exact: true }).fill(`mistake-model-${stamp}`);
			await models.getByLabel('Name', { exact: true }).fill(modelName);
			await models.getByLabel('Engine', { exact: true }).fill('openai');
			await models.getByRole('button', { name: 'Add' }).click();
			await page.getByText(`“${modelName}” saved.`, { exact: false }).waitFor();
			await page.getByRole('button', { name: `Edit ${modelName}` }).click();
			const mistakeModel = page.getByRole('form', { name: `Edit ${modelName}`, exact: true });
			await mistakeModel.getByRole('button', { name: `Remove… ${modelName}` }).click();
			await mistakeModel.getByText(`Remove “${modelName}”? Only a model that no lot, use, package or event bonus names can go.`).waitFor();
			await mistakeModel.getByRole('button', { name: `Remove ${modelName}` }).click();
			await page.getByRole('status').getByText(`“${modelName}” removed. Recorded in the audit log.`).waitFor();
			await expect(page.getByRole('button', { name: `Edit ${modelName}` }).count()).resolves.toBe(0);
			// The demo's GPT-5 Nano: its lots, its use and the packages that sell it keep it, said at once, nothing asked.
			await page.getByRole('button', { name: 'Edit GPT-5 Nano', exact: true }).click();
			const nano = page.getByRole('form', { name: 'Edit GPT-5 Nano', exact: true });
			await nano.getByRole('button', { name: 'Remove… GPT-5 Nano' }).click();
			await nano.getByRole('alert').getByText(/^“GPT-5 Nano” stays: \d+ lots? (is|are) for it, it was used and the packages? .*“.+”.* sells? it\. Only a model nothing names can be removed; its name and engine can still change\.$/).waitFor();
			await expect(nano.getByRole('button', { name: 'Remove GPT-5 Nano', exact: true }).count()).resolves.toBe(0);
			await nano.getByRole('alert').scrollIntoViewIfNeeded();
			await screen(page, 'rates-model-remove-refused-390');
			expect(sent.filter((s) => s.includes('remove'))).toHaveLength(3);

			// The removal is in the audit log, with the feature as it was.
			await page.goto('/admin/audit?action=rates.feature_removed');
			const entry = page.getByRole('listitem').filter({ hasText: 'Feature removed' }).filter({ hasText: name }).first();
			await entry.waitFor();
			await entry.scrollIntoViewIfNeeded();
			await screen(page, 'audit-feature-removed-390');
		} finally {
			await context.close();
		}
	}, 120_000);
});
