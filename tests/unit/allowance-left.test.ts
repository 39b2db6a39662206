import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { allowanceLeft } from '../../src/lib/client/format';

// A window's free allowance reads as what is LEFT of it, on the dashboard, the admin's pages, the
// playground and in the <quota-usage> widget (its English template says the same with the same figures).
const widget = readFileSync(new URL('../../widget/quota-usage.js', import.meta.url), 'utf8');
const english = widget.slice(widget.indexOf('en: {'), widget.indexOf('de: {'));

describe('what is left of a free allowance', () => {
	it('says the tokens left of the limit, never below 0 (a limit lowered after use)', () => {
		expect(allowanceLeft(500, 2000)).toBe('1,500 of 2,000 left');
		expect(allowanceLeft(2000, 2000)).toBe('0 of 2,000 left');
		expect(allowanceLeft(2100, 2000)).toBe('0 of 2,000 left');
	});

	it('is the widget’s wording, from the same figures (left = limit − used)', () => {
		const template = /left: '([^']+)'/.exec(english)![1]!;
		expect(template.replace('{0}', '1,500').replace('{1}', '2,000')).toBe(allowanceLeft(500, 2000));
		expect(widget).toContain('const left = a.limit === null ? null : Math.max(0, a.limit - a.used);');
	});

	it('says "Not available" for a module set to 0 for the account (never "0 of 0 left"), as the widget does in every language, with no reset', () => {
		expect(allowanceLeft(0, 0)).toBe('Not available');
		expect(english).toContain(`off: '${allowanceLeft(0, 0)}'`);
		expect(widget.match(/\boff: '[^']+'/g)).toHaveLength(4);
		// Its row has no "Resets …" / "Does not reset" note: a module not available has no window.
		expect(widget).toContain("a.limit ? fill(t.left, num.format(left), num.format(a.limit)) : t.off");
		expect(widget).toContain("${a.limit === 0 ? '' : `<p class=\"note\">");
	});
});
