import { describe, expect, it } from 'vitest';
import { CATALOG_KEY_RULE, catalogKeySlip } from '../../src/lib/catalog-key';
import { catalogKey } from '../../src/lib/server/fields';

// A feature's, module's or model's key: the Rates page's forms say the rule under the key, check it
// before sending, and take and refuse exactly what the server's schema does, in its words.
describe('a catalog key, on the Rates page and on the server', () => {
	const taken = ['a', '9', 'chat_reply', 'gpt-5.1-mini', 'x'.repeat(64)];
	const refused = ['', ' ', 'Chat', '_chat', '.x', '-x', 'chat reply', 'café', 'x'.repeat(65)];

	it('the hint gives the whole rule, its 64-character limit too', () => {
		expect(CATALOG_KEY_RULE).toBe('The key is 1 to 64 lower-case letters, digits, dot, dash or underscore, starting with a letter or digit, like chat_reply.');
	});

	it('takes what the server takes and refuses what it refuses, in the same words', () => {
		for (const key of taken) {
			expect(catalogKeySlip(key)).toBeNull();
			expect(catalogKey.safeParse(key).success).toBe(true);
		}
		for (const key of refused) {
			expect(catalogKeySlip(key)).toBe(CATALOG_KEY_RULE);
			const parsed = catalogKey.safeParse(key);
			expect(parsed.success).toBe(false);
			expect(parsed.error!.issues[0]!.message).toBe(CATALOG_KEY_RULE);
		}
	});

	it('reads the key as the form sends it: trimmed', () => {
		expect(catalogKeySlip('  chat_reply ')).toBeNull();
	});
});
