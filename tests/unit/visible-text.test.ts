import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { firstIssue } from '../../src/lib/server/input-words';
import { consumeBody, grantBody, idempotencyHeader } from '../../src/lib/server/rest/schemas';
import { embedTokenBody } from '../../src/lib/server/rest/embed-schemas';
import { nameSchema } from '../../src/lib/server/accounts/validation';
import { idSlip, showsAsOther, spelledOut, textSlip } from '../../src/lib/visible-text';

// One rule for ids a caller names (not blank, nothing invisible) and one for text people read (nothing
// that reorders it), said as a refusal naming the field; ids stored before the rule are spelled out.

const refusal = (schema: z.ZodType, input: unknown): string => {
	const r = schema.safeParse(input);
	if (r.success) throw new Error('expected a refusal');
	return firstIssue(r.error);
};
const consume = (user: string) => ({ user, feature: 'ai_bots', units: 1 });

describe('ids a caller names', () => {
	it('refuses an id of only spaces, naming the field', () => {
		expect(refusal(consumeBody, consume('  '))).toBe('user cannot be blank: it holds only spaces.');
		expect(refusal(consumeBody, consume('\u3000\u00a0'))).toBe('user cannot be blank: it holds only spaces.');
	});

	it.each([
		['a right-to-left override', '\u202eevil', 'U+202E'],
		['a left-to-right isolate', 'race\u20662', 'U+2066'],
		['a right-to-left mark', 'race-2\u200f', 'U+200F'],
		['the Arabic letter mark', '\u061crace-2', 'U+061C'],
		['a zero-width space', 'ad\u200bmin', 'U+200B'],
		['a soft hyphen', 'ad\u00admin', 'U+00AD'],
		['a C1 control', 'a\u0085b', 'U+0085'],
		['a line separator', 'a\u2028b', 'U+2028'],
		['the Hangul filler', '\u3164', 'U+3164'],
		['a byte-order mark', '\ufeffwp-1', 'U+FEFF']
	])('refuses %s in an id', (_, id, at) => {
		expect(refusal(consumeBody, consume(id))).toBe(`user cannot hold an invisible character (${at}): an id holding one looks like another id.`);
	});

	it('takes ids people really use, spaces inside and scripts of every direction', () => {
		for (const id of ['wp-user-42', 'john smith', 'مستخدم-٤٢', 'משתמש 7', 'ユーザー', 'maya@example.com']) expect(consumeBody.safeParse(consume(id)).success, id).toBe(true);
	});

	it('holds for every id field: embed member, idempotency key, metadata keys', () => {
		expect(refusal(embedTokenBody, { team: '123e4567-e89b-12d3-a456-426614174000', member: '\u202eevil' })).toMatch(/^member cannot hold an invisible character \(U\+202E\)/);
		expect(refusal(idempotencyHeader, { 'Idempotency-Key': 'k\u200b1' })).toMatch(/^Idempotency-Key cannot hold an invisible character \(U\+200B\)/);
		expect(refusal(consumeBody, { ...consume('wp-1'), metadata: { '\u202eevil': 1 } })).toBe('metadata.[U+202E]evil is a key that cannot hold an invisible character (U+202E): an id holding one looks like another id.');
	});
});

describe('text people read', () => {
	it('refuses the characters that reorder it, naming the field', () => {
		expect(refusal(grantBody, { user: 'wp-1', tokens: 5, source: 'bonus', note: 'Refund \u202eevil' })).toBe(
			'note cannot hold a character that reorders the text after it (U+202E): it makes the text read as something else.'
		);
		expect(refusal(nameSchema, 'Maya \u2067x')).toMatch(/U\+2067/);
	});

	it('keeps right-to-left writing and its marks, which reverse no run', () => {
		expect(textSlip('شكرا لك\u200f!')).toBeNull();
		expect(grantBody.safeParse({ user: 'wp-1', tokens: 5, source: 'bonus', note: 'תודה \u200e(42)' }).success).toBe(true);
	});
});

describe('an id stored before the rule', () => {
	it('is spelled out where it shows as another or as nothing', () => {
		expect(showsAsOther('wp-user-42')).toBe(false);
		expect(showsAsOther('  ')).toBe(true);
		expect(spelledOut('  ')).toBe('U+0020 U+0020');
		expect(spelledOut('\u202eevil')).toBe('[U+202E]evil');
		expect(spelledOut('a\u{E0041}b')).toBe('a[U+E0041]b');
		expect(idSlip('wp-user-42')).toBeNull();
	});
});
