import { describe, expect, it } from 'vitest';
import { auditValueText } from '../../src/lib/client/admin/audit-value';
import { tokens } from '../../src/lib/client/format';

describe("an audit entry's change of tokens", () => {
	it('is written with its sign, a true minus sign (U+2212) as on the statement, not a hyphen', () => {
		expect(auditValueText({ figure: 1500, signed: true })).toBe(`+${tokens(1500)}`);
		expect(auditValueText({ figure: -5, signed: true })).toBe('\u22125');
		expect(auditValueText({ figure: -1200, signed: true })).toBe(`\u2212${tokens(1200)}`);
		expect(auditValueText({ figure: 0, signed: true })).toBe(tokens(0));
	});

	it('is a plain figure when it is not a change (a balance after)', () => {
		expect(auditValueText({ figure: 18620 })).toBe(tokens(18620));
	});
});
