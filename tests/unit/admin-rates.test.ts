import { describe, expect, it } from 'vitest';
import { featureSavedWords, noCostWords, parseRate, previewCost, rateText, unitsIn } from '../../src/lib/client/admin/rates';

describe('the rate preview', () => {
	it('counts words and characters of a sample as a person does', () => {
		expect(unitsIn('  Hello   brave\nnew world ', 'word')).toBe(4);
		expect(unitsIn('', 'word')).toBe(0);
		expect(unitsIn('héllo 👋', 'character')).toBe(7);
	});
	it('costs a sample exactly as the ledger charges: ceil(units × rate), no floating-point drift', () => {
		expect(previewCost(100, '0.07')).toBe(7); // 100 × 0.07 is 7.000000000000001 in a double
		expect(previewCost(3, '2.5')).toBe(8);
		expect(previewCost(10, '1,5')).toBe(15); // a decimal comma is read as a point
	});
	it('reads a decimal comma and thousands grouped by commas, and refuses "1,500", which could be either, saying both', () => {
		expect(parseRate('1,5')).toEqual({ ok: true, value: 1.5 });
		expect(parseRate('0,0025')).toEqual({ ok: true, value: 0.0025 });
		expect(parseRate('1,000,000')).toEqual({ ok: true, value: 1_000_000 });
		expect(parseRate('1,500.25')).toEqual({ ok: true, value: 1500.25 });
		expect(parseRate('1500')).toEqual({ ok: true, value: 1500 });
		// It was saved as 1.5, the preview saying "8 words × 1,500 = 12 tokens" (the walk).
		expect(parseRate('1,500')).toEqual({ ok: false, error: 'Tokens per unit: “1,500” could be 1500 or 1.5: type it without the comma, or with a point.' });
		expect(previewCost(8, '1,500')).toBeNull();
		expect(noCostWords('1,500')).toBe('No cost to show: “1,500” could be 1500 or 1.5: type it without the comma, or with a point.');
		expect(previewCost(8, '1500')).toBe(12_000);
	});
	it('shows a rate as it is saved, grouped and with its decimals: the figure the preview multiplies by', () => {
		expect([1500, 1.5, 0.0025, 1_000_000].map(rateText)).toEqual(['1,500', '1.5', '0.0025', '1,000,000']);
	});
	it('refuses a rate the ledger would refuse, and shows no cost for it', () => {
		for (const bad of ['0', '-1', '0.00001', 'abc', '2000000']) {
			expect(parseRate(bad).ok).toBe(false);
			expect(previewCost(10, bad)).toBeNull();
		}
	});
	it('says why it shows no cost for a rate the form would refuse, and only a dash while none is typed', () => {
		expect(noCostWords('0.333333')).toBe('No cost to show until the rate is above 0, at most 1,000,000, with at most 4 decimal places.');
		expect(noCostWords('-1')).toMatch(/^No cost to show until/);
		expect(noCostWords('')).toBe('—');
		expect(noCostWords('2.5')).toBe('—');
	});
});

describe('what the Rates page says once a feature is saved', () => {
	const chatbot = { name: 'Chatbot reply', unit: 'word', tokensPerUnit: 1.5, enabled: true, breakdown: null };
	it('names the feature by its name, and speaks of a new rate only when the charge changed', () => {
		expect(featureSavedWords(chatbot, { ...chatbot, name: 'Chatbot reply 2 ' }, true)).toBe('“Chatbot reply 2” saved. Recorded in the audit log.');
		expect(featureSavedWords(chatbot, { ...chatbot, tokensPerUnit: 2 }, true)).toBe('“Chatbot reply” saved. Recorded in the audit log; the playground and the API charge the new rate from now on.');
		expect(featureSavedWords(chatbot, { ...chatbot, unit: 'character' }, true)).toMatch(/charge the new rate from now on\.$/);
		const composite = { ...chatbot, unit: 'operation', tokensPerUnit: 10, breakdown: [{ label: 'Draft', tokens: 10 }] };
		expect(featureSavedWords(composite, { ...composite, breakdown: [{ label: 'Draft', tokens: 4 }, { label: 'Check', tokens: 6 }] }, true)).toMatch(/charge the new rate from now on\.$/);
	});
	it('says what the API does once a feature is disabled or enabled again, and nothing changed when nothing did', () => {
		expect(featureSavedWords(chatbot, { ...chatbot, enabled: false }, true)).toBe('“Chatbot reply” saved. Recorded in the audit log; the API refuses it from now on.');
		expect(featureSavedWords({ ...chatbot, enabled: false }, { ...chatbot, tokensPerUnit: 2 }, true)).toBe(
			'“Chatbot reply” saved. Recorded in the audit log; the playground and the API charge the new rate from now on, and the API takes it again.'
		);
		expect(featureSavedWords(chatbot, chatbot, false)).toBe('Nothing changed: “Chatbot reply” is as it was.');
		expect(featureSavedWords(null, chatbot, true)).toBe('“Chatbot reply” added. Recorded in the audit log; the playground and the API charge its rate from now on.');
	});
});
