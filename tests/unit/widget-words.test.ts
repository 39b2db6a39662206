import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { PAID_STATUSES } from '../../src/lib/server/store/orders';
import { purchaseStatus } from '../../src/lib/client/purchase-status';
import { GENERAL_BALANCE } from '../../src/lib/model-words';

// The <quota-usage> widget is a classic script with its own texts (it imports nothing); it words the
// purchases it lists (paid orders, PAID_STATUSES, as the app's lists) in every language.
const widget = readFileSync(new URL('../../widget/quota-usage.js', import.meta.url), 'utf8');
const english = widget.slice(widget.indexOf('en: {'), widget.indexOf('de: {'));

describe('the widget’s words for a purchase’s state', () => {
	it('every language words each state a purchase can have, and no other (an unpaid checkout is no purchase)', () => {
		const tables = widget.match(/^\t{3}s: \{.*\}$/gm) ?? [];
		expect(tables).toHaveLength(4);
		for (const t of tables) expect([...t.matchAll(/(\w+): '/g)].map((m) => m[1])).toEqual([...PAID_STATUSES]);
		// The app's words in English, for every state: Purchases and the dashboard say "Completed", not "Paid".
		for (const status of PAID_STATUSES) expect(english).toContain(`${status}: '${purchaseStatus[status].label}'`);
		expect(widget).not.toMatch(/unpaid|pending/i);
	});
});

describe('the widget’s name for tokens no one model is tied to', () => {
	it('is the app’s "General balance" in English (its vocabulary), and no language says a bare "General"', () => {
		expect(english).toContain(`general: '${GENERAL_BALANCE}'`);
		expect(widget).not.toMatch(/general: '(General|Allgemein|Général)'/);
	});
});

describe('the widget’s unit in running text', () => {
	it('is the app’s lower-case "tokens" ("5,000 tokens · Completed"), one for a count of one, in every language', () => {
		expect(english).toContain("unit: ['token', 'tokens']");
		expect(widget.match(/^.*\bunit: \[.*$/gm)).toHaveLength(4);
		// A purchase's line counts its tokens with the unit, never the column head's "Tokens".
		expect(widget).toContain('num.format(p.tokens))} ${esc(t.unit[');
		expect(widget).not.toContain('num.format(p.tokens))} ${esc(t.tokens)}');
	});
});

describe('the widget’s size', () => {
	it('stays about 7 KB gzipped, as the integration kit says (at most 7,168 B at gzip -9, as it is served)', () => {
		expect(gzipSync(widget, { level: 9 }).length).toBeLessThanOrEqual(7 * 1024);
	});
});
