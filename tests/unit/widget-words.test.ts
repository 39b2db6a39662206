import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { PAID_STATUSES } from '../../src/lib/server/store/orders';
import { purchaseStatus } from '../../src/lib/client/purchase-status';
import { GENERAL_BALANCE } from '../../src/lib/model-words';
import { allocationWords } from '../../src/lib/allocation-words';
import { balanceLabel } from '../../src/lib/client/level';
import { minorDigits } from '../../src/lib/money';
import { PADDLE_CURRENCIES } from '../../src/lib/price-range';
import served from '../../widget/quota-usage.js?served';
import { zoneName } from '../../src/lib/zone-name';
import { NOT_MEMBER } from '../../src/lib/embed-words';
import { poolName } from '../../src/lib/pool-name';

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

describe('the widget’s words for unlimited lots and for what expires when', () => {
	const words = (line: string) => JSON.parse(line.replace(/^.*?\[/, '[').replace(/\],?$/, ']').replaceAll("'", '"')) as string[];
	it('say an unlimited model beside Available as the dashboard’s Available card does (lib/allocation-words.ts), in every language', () => {
		const um = words(/um: \[.*?\]/.exec(english)![0]);
		const scope = (models: number, general = false) => [...Array.from({ length: models }, (_, i) => ({ model: `m${i}`, unlimited: true })), { model: null, unlimited: general }];
		expect(um[0]!.replace('{0}', '1')).toBe(allocationWords(scope(1)).unlimited);
		expect(um[1]!.replace('{0}', '2')).toBe(allocationWords(scope(2)).unlimited);
		expect(um[2]).toBe(allocationWords(scope(1, true)).unlimited);
		expect(widget.match(/\bum: \['\+ \{0\} .*', '\+ \{0\} .*', '[^']+'\]/g)).toHaveLength(4);
	});
	it('say a count of tokens with its expiry or "never", as the dashboard’s allocation parts do, in every language', () => {
		expect(english).toContain("exp: ['{0} expire {1}', '{0} never expire']");
		expect(widget.match(/\bexp: \[.*\{0\}.*\{1\}.*, .*\{0\}.*\]/g)).toHaveLength(4);
	});
});

describe('the widget’s words for an account with nothing left to spend', () => {
	it('are the app’s: none "yet" for an account never granted tokens, none "left" once it had some, in every language, by the summary’s ever_granted', () => {
		expect(english).toContain(`empty: '${balanceLabel({ level: 'empty', everGranted: true })}', yet: '${balanceLabel({ level: 'empty', everGranted: false })}'`);
		expect(widget.match(/\bempty: '[^']+', yet: '[^']+'/g)).toHaveLength(4);
		expect(widget).toContain("d.level === 'empty' ? (d.ever_granted ? t.empty : t.yet)");
	});
});

describe('the widget’s words for a member no longer in the team', () => {
	it('say so in every language, for the refusal reason the server gives (not_member)', () => {
		// The embedded store's heading for it too (lib/embed-words.ts).
		expect(english).toContain(`not_member: '${NOT_MEMBER}'`);
		expect(widget.match(/\bnot_member: /g)).toHaveLength(4);
		expect(widget).toContain('/^(expired|revoked|not_member)$/.test(reason)');
	});
});

describe('the widget’s title for a team’s pool', () => {
	it('names the team’s pool ("Acme Studio pool"), with or without a member viewing it, in every language, for the summary’s pool', () => {
		expect(english).toContain("title: 'Your tokens', pool: '{0} pool'");
		expect(widget.match(/\bpool: '[^']*\{0\}[^']*'/g)).toHaveLength(4);
		expect(widget).toContain('esc(d && d.pool ? poolTitle(t.pool, d.pool) : t.title)');
	});

	// Its own copy, held to the app's (lib/pool-name.ts) for names that end in "pool" and names that do not.
	const from = widget.indexOf('\tconst fill =');
	const widgetPoolTitle = new Function(`${widget.slice(from, widget.indexOf('\n', widget.indexOf('const poolTitle =', from)))}; return poolTitle;`)() as (words: string, team: string) => string;
	it('does not say "pool" twice for a team whose name ends in the word ("Acme Pool", any case), as the app says it', () => {
		for (const team of ['Acme Studio', 'Acme Pool', 'acme pool', 'DESIGN POOL', 'Pool', 'Carpool', 'Pool party', 'Acme Pools'])
			expect(widgetPoolTitle('{0} pool', team), team).toBe(poolName(team));
		expect(widgetPoolTitle('{0} pool', 'Acme Pool')).toBe('Acme Pool');
		// The other languages put the name last ("Pool von Acme Pool"): nothing is said twice there.
		expect(widgetPoolTitle('Pool von {0}', 'Acme Pool')).toBe('Pool von Acme Pool');
	});
});

describe('the widget’s size', () => {
	// 7 KB until it said what expires when and which models are unlimited in four languages, and read its
	// recent use and purchases from its stream's events (7,505 B then; 7,671 B with its comments). With
	// zones named as the app names them: 8,225 B as written, 6,351 B served minified.
	it('stays about 7.5 KB gzipped, as the integration kit says (at most 7,680 B at gzip -9, as it is served)', () => {
		expect(gzipSync(served, { level: 9 }).length).toBeLessThanOrEqual(7.5 * 1024);
	});

	it('is served minified: no comment left, it still parses, and the words a person reads are as written', () => {
		expect(served).not.toMatch(/\/\*|^\s*\/\//m);
		expect(() => new Function(served)).not.toThrow();
		// The words a person reads are strings the minifier keeps as written.
		for (const words of widget.match(/\bempty: '[^']+'/g) ?? []) expect(served).toContain(words.slice(8, -1));
	});
});

describe('the widget’s name for a time zone', () => {
	// Its own copy (it imports nothing), held to the app's one (lib/zone-name.ts) for every zone a device can be in.
	const from = widget.indexOf('\tconst fill =');
	const source = widget.slice(from, widget.indexOf('\n\t};\n', widget.indexOf('const zoneName =', from)) + 4);
	const widgetZoneName = new Function(`${source}; return zoneName;`)() as (zone: string, at: Date, words: string) => string;
	const tables = widget.match(/\bzone: '[^']*'/g) ?? [];

	it('is the app’s in English, for every zone, in winter and in summer', () => {
		for (const at of [new Date('2026-01-15T12:00:00Z'), new Date('2026-07-15T12:00:00Z')])
			for (const zone of [...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'Etc/GMT+5', 'Etc/GMT-14', 'Europe/Kiev', 'Asia/Calcutta'])
				expect(widgetZoneName(zone, at, "{0} time ({1})"), zone).toBe(zoneName(zone, at));
		expect(english).toContain("zone: '{0} time ({1})'");
	});

	it('has its words, city and offset in each of the four languages', () => {
		expect(tables).toHaveLength(4);
		for (const t of tables) expect(t).toMatch(/\{0\}.*\(\{1\}\)'$/);
		expect(widgetZoneName('Europe/Berlin', new Date('2026-12-05T12:00:00Z'), 'Ortszeit {0} ({1})')).toBe('Ortszeit Berlin (UTC+1)');
	});
});

describe('the widget’s prices', () => {
	it('reads a purchase’s minor units as the app does: whole yen, won, pesos and dong, cents elsewhere', () => {
		const whole = /\/([A-Z|]+)\/\.test\(p\.currency\)/.exec(widget)?.[1]?.split('|');
		expect(whole?.sort()).toEqual(PADDLE_CURRENCIES.filter((c) => minorDigits(c) === 0).sort());
	});
});
