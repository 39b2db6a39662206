import { describe, expect, it } from 'vitest';
import { anySlip, auditFilterSlips } from '../../src/lib/client/admin/audit-filter';

// A link to the audit log may carry filters the server refuses (an action name over 100 characters,
// a date that is none): each is said beside its field, in the page's words, and nothing is asked.
const none = { actor: '', action: '', account: '', from: '', to: '' };

describe("the audit log's filters from a link", () => {
	it('says nothing of filters the server takes', () => {
		const slips = auditFilterSlips({ actor: 'ada', action: 'a'.repeat(100), account: 'x'.repeat(200), from: '2026-01-31', to: '2028-02-29' });
		expect(anySlip(slips)).toBe(false);
		expect(anySlip(auditFilterSlips(none))).toBe(false);
	});

	it('says an over-long action beside Action', () => {
		const slips = auditFilterSlips({ ...none, action: 'a'.repeat(101) });
		expect(slips.action).toBe('Action must be text of at most 100 characters; this is 101 characters. Choose an action from the list.');
		expect(anySlip(slips)).toBe(true);
	});

	it('says a date that is none beside From or To, as the server refuses it', () => {
		const slips = auditFilterSlips({ ...none, from: '2026-13-45', to: '0000-01-01' });
		expect(slips.from).toBe('From must be a date as YYYY-MM-DD, such as 2026-01-31; got "2026-13-45". Pick a date to filter by.');
		expect(slips.to).toBe('To must be a date as YYYY-MM-DD, such as 2026-01-31; got "0000-01-01". Pick a date to filter by.');
	});

	it('says an over-long search beside Who and Account', () => {
		const slips = auditFilterSlips({ ...none, actor: 'x'.repeat(201), account: ` ${'y'.repeat(201)} ` });
		expect(slips.who).toMatch(/^Who must be text of at most 200 characters; this is 201 characters/);
		expect(slips.account).toMatch(/^Account must be text of at most 200 characters; this is 201 characters/);
	});

	it('says beside To that From is after it, and asks nothing', () => {
		const slips = auditFilterSlips({ ...none, from: '2026-12-04', to: '2026-11-20' });
		expect(slips.to).toBe('From is after To: swap them to see entries between Nov 20, 2026 and Dec 4, 2026.');
		expect(slips.from).toBeNull();
		expect(anySlip(slips)).toBe(true);
		expect(anySlip(auditFilterSlips({ ...none, from: '2026-11-20', to: '2026-11-20' }))).toBe(false);
	});
});
