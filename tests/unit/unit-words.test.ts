import { describe, expect, it } from 'vitest';
import { unitWord } from '../../src/lib/unit-words';
import { counted } from '../../src/lib/counted';

describe("a feature's unit in words", () => {
	it('is "model token" for a rate per token the model counted, everywhere a rate is said (the form, the rates list, a use)', () => {
		expect(['word', 'character', 'token', 'operation'].map(unitWord)).toEqual(['word', 'character', 'model token', 'operation']);
		expect(`1.2 per ${unitWord('token')}`).toBe('1.2 per model token');
		expect(counted(400, unitWord('token'), String)).toBe('400 model tokens');
		// A unit the page does not know yet is said as stored, not dropped.
		expect(unitWord('image')).toBe('image');
	});
});
