import { describe, expect, it } from 'vitest';
import { afterTeamsName, poolName, teamsPool } from '../../src/lib/pool-name';
import { inboxTitle } from '../../src/lib/client/inbox-words';
import { creditNoticeWords } from '../../src/lib/server/alerts/credit-notices';
import type { InboxEntry } from '../../src/lib/client/api-types';

// A team's pool is named the same everywhere (the store's "Tokens added to …", the Team page, alerts,
// the site's notices), and a team called "… Pool" is never "Acme Pool pool" or "Acme Pool's pool".
describe("a team's pool in words", () => {
	it('adds "pool" to a name, not to one that ends in the word, in any case', () => {
		expect(poolName('Acme Studio')).toBe('Acme Studio pool');
		expect(['Acme Pool', 'acme pool', 'DESIGN POOL', 'Pool'].map(poolName)).toEqual(['Acme Pool', 'acme pool', 'DESIGN POOL', 'Pool']);
		// "pool" inside a word or not last is not the word at the end.
		expect(['Carpool', 'Pool party', 'Acme Pools'].map(poolName)).toEqual(['Carpool pool', 'Pool party pool', 'Acme Pools pool']);
	});

	it("says whose pool: \"Acme Studio's pool\", and \"Acme Pool\" as it is", () => {
		expect(teamsPool('Acme Studio')).toBe("Acme Studio's pool");
		expect(teamsPool('Acme Pool')).toBe('Acme Pool');
		// After a linked name (a person's console page: "In <Acme Studio>'s pool", "From <Acme Pool>").
		expect(['Acme Studio', 'Acme Pool'].map(afterTeamsName)).toEqual(["'s pool", '']);
	});

	it("is how an alert and a site admin's notice name the pool", () => {
		const ranOut = { kind: 'balance_empty', teamName: 'Acme Pool', said: null, anomaly: null, topup: null } as unknown as InboxEntry;
		expect(inboxTitle(ranOut)).toBe('Acme Pool ran out');
		expect(creditNoticeWords({ kind: 'site_grant', tokens: 2_500 }, 'Launch week', 'Acme Pool').title).toBe('2,500 tokens added to Acme Pool by the site');
		expect(creditNoticeWords({ kind: 'site_grant', tokens: 2_500 }, 'Launch week', 'Acme Studio').title).toBe("2,500 tokens added to Acme Studio's pool by the site");
		expect(creditNoticeWords({ kind: 'unlimited_granted', modelName: null, until: null }, 'Launch week', 'Acme Pool').title).toBe('Unlimited use of every model for Acme Pool with no end date, by the site');
		// An event bonus re-dated: its tokens left, in the pool's words, the verb agreeing with the count.
		const at = new Date('2027-01-31T22:59:00Z');
		expect(creditNoticeWords({ kind: 'expiry_changed', tokens: 2_500, expiresAt: at }, 'Launch week', 'Acme Studio', 'Europe/Berlin').title).toBe(
			"2,500 bonus tokens of Acme Studio's pool now expire Jan 31, 2027, 23:59 Berlin time (UTC+1)"
		);
		expect(creditNoticeWords({ kind: 'expiry_changed', tokens: 1, expiresAt: null }, 'Launch week', null).title).toBe('Your 1 bonus token no longer expires');
		// A bonus with an expiry says it when it arrives, in the site's zone; one that never expires says nothing of it.
		expect(creditNoticeWords({ kind: 'site_grant', tokens: 2_500, expiresAt: at }, 'Launch week', 'Acme Studio', 'Europe/Berlin').title).toBe(
			"2,500 tokens added to Acme Studio's pool by the site, expiring Jan 31, 2027, 23:59 Berlin time (UTC+1)"
		);
		expect(creditNoticeWords({ kind: 'site_grant', tokens: 1, expiresAt: null }, '', null).title).toBe('1 token added by the site');
	});
});
