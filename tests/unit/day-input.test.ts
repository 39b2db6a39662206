import { describe, expect, it } from 'vitest';
import { dayRule, isDay } from '../../src/lib/day-text';

// The admin's exports and the audit log take days as YYYY-MM-DD; anything else is refused with the field's name
// (year 0000 too: the ISO form has it, PostgreSQL's date does not, and the audit log's query failed on it).
describe('a day in a query', () => {
	it('is YYYY-MM-DD and a real date', () => {
		expect(['2026-01-31', '2028-02-29'].map(isDay)).toEqual([true, true]);
		expect(['2026-02-30', '2026-13-01', '13/01/2026', '2026-1-31', '', '0000-01-01'].map(isDay)).toEqual([false, false, false, false, false, false]);
	});

	it('is refused with the field, the form and what was sent', () => {
		expect(dayRule('from', '13/01/2026')).toBe('from must be a date as YYYY-MM-DD, such as 2026-01-31; got "13/01/2026".');
	});
});
