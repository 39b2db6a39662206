// The Team page's rules of who may do what (the server's, said before anything is sent) and its caps
// form: every field read as the server takes it, only what changed sent, a refusal under its field.
import { describe, expect, it } from 'vitest';
import { CapsForm, capsWords, leaveRefusal, memberActions, usedByOthers, type Cap, type CapPeriod, type Member, type Team } from './team-manage.svelte';

const member = (userId: string, role: Member['role']): Member => ({ userId, name: userId, email: `${userId}@example.com`, role, joinedAt: '2026-11-01T00:00:00.000Z' });
function team(myUserId: string, members: Member[], siteAdmin = false): Team {
	const myRole = members.find((m) => m.userId === myUserId)?.role ?? null;
	return { id: 't', name: 'Acme', accountId: 'a', createdAt: '2026-11-01T00:00:00.000Z', myRole, myUserId, canManage: siteAdmin || myRole === 'owner' || myRole === 'admin', members, invites: [], caps: [], myCap: null };
}
const maya = member('maya', 'owner');
const ana = member('ana', 'admin');
const leo = member('leo', 'member');

describe('who may change whom on the Team page', () => {
	it('an owner changes anyone’s role and removes anyone but themselves; as the only owner they cannot step down, and are told why', () => {
		const t = team('maya', [maya, ana, leo]);
		expect(memberActions(t, leo)).toEqual({ roles: ['owner', 'admin', 'member'], removable: true, note: null });
		expect(memberActions(t, ana)).toEqual({ roles: ['owner', 'admin', 'member'], removable: true, note: null });
		expect(memberActions(t, maya)).toEqual({ roles: [], removable: false, note: 'You are the only owner: make someone else owner before you step down.' });
		expect(leaveRefusal(t)).toBe('You are the only owner: make someone else owner before you leave, so the team keeps one.');
		// With a second owner, either may step down or leave.
		const two = team('maya', [maya, member('kim', 'owner'), leo]);
		expect(memberActions(two, maya)).toEqual({ roles: ['owner', 'admin', 'member'], removable: false, note: null });
		expect(memberActions(two, two.members[1]!).removable).toBe(true);
		expect(leaveRefusal(two)).toBeNull();
	});

	it('an admin moves people between member and admin and removes members only; owners are not theirs to touch', () => {
		const t = team('ana', [maya, ana, leo, member('bo', 'admin')]);
		expect(memberActions(t, leo)).toEqual({ roles: ['admin', 'member'], removable: true, note: null });
		expect(memberActions(t, t.members[3]!)).toEqual({ roles: ['admin', 'member'], removable: false, note: null });
		expect(memberActions(t, maya)).toEqual({ roles: [], removable: false, note: null });
		expect(memberActions(t, ana)).toEqual({ roles: ['admin', 'member'], removable: false, note: null });
		expect(leaveRefusal(t)).toBeNull();
	});

	it('a member changes nothing and may leave; a site admin outside the team acts as an owner but cannot unmake its only owner', () => {
		const t = team('leo', [maya, leo]);
		for (const m of t.members) expect(memberActions(t, m)).toEqual({ roles: [], removable: false, note: null });
		expect(leaveRefusal(t)).toBeNull();
		const admin = team('site', [maya, leo], true);
		expect(memberActions(admin, leo)).toEqual({ roles: ['owner', 'admin', 'member'], removable: true, note: null });
		expect(memberActions(admin, maya)).toEqual({ roles: [], removable: false, note: null });
	});
});

const cap = (period: CapPeriod, limitTokens: number, siteDefault = false): Cap => ({ memberUserId: null, period, limitTokens, siteDefault });

describe('caps in words', () => {
	it('says each window’s cap in order, the site’s default and a cap of 0 as such, and no cap as such', () => {
		expect(capsWords([cap('weekly', 20_000), cap('daily', 5_000)])).toBe('5,000 tokens a day · 20,000 a week');
		expect(capsWords([cap('daily', 20_000, true)])).toBe("20,000 tokens a day (the site's default)");
		expect(capsWords([cap('monthly', 0)])).toBe('0 tokens a month (nothing of the pool)');
		expect(capsWords([])).toBe('no cap');
	});
});

describe('the caps form', () => {
	/** A server that takes every cap, or refuses one period's with `refuse`. */
	function server(refuse?: { period: CapPeriod; said: string }) {
		const calls: [CapPeriod, number | null][] = [];
		const save = async (period: CapPeriod, limitTokens: number | null) => {
			calls.push([period, limitTokens]);
			if (refuse?.period === period) throw new Error(refuse.said);
		};
		return { save, calls };
	}

	it('starts from the team’s own caps (a site default is no own cap), sends only what changed, and says the caps then in force', async () => {
		const s = server();
		const f = new CapsForm([cap('daily', 20_000, true), cap('weekly', 90_000)], s.save);
		expect(f.texts).toEqual({ daily: '', weekly: '90000', monthly: '' });
		f.texts.monthly = '1,000,000';
		f.texts.weekly = '';
		expect(await f.submit()).toBe(true);
		expect(s.calls).toEqual([['weekly', null], ['monthly', 1_000_000]]);
		expect(capsWords(f.inForce)).toBe("20,000 tokens a day (the site's default) · 1,000,000 a month");
		// Saved again as it is: nothing is sent.
		expect(await f.submit()).toBe(true);
		expect(s.calls).toHaveLength(2);
	});

	it('reads every field before sending: each slip under its own field, nothing sent', async () => {
		const s = server();
		const f = new CapsForm([], s.save);
		f.texts = { daily: 'lots', weekly: '500', monthly: '99999999999999999' };
		expect(await f.submit()).toBe(false);
		expect(f.slips).toEqual({ daily: 'Type a whole number of tokens, or leave the field empty for no cap.', monthly: 'A monthly cap is at most 1,000,000,000,000 tokens.' });
		expect(f.firstSlip).toBe('daily');
		expect(s.calls).toEqual([]);
	});

	it('says a refusal of the server under the field of the period refused, keeping what was saved before it', async () => {
		const s = server({ period: 'weekly', said: 'No such team.' });
		const f = new CapsForm([], s.save);
		f.texts = { daily: '100', weekly: '700', monthly: '' };
		expect(await f.submit()).toBe(false);
		expect(f.slips).toEqual({ weekly: 'No such team.' });
		expect(capsWords(f.inForce)).toBe('100 tokens a day');
	});
});

describe("the pool's use by people no longer listed", () => {
	it('is what the members listed did not use: a member who left, a use with no member', () => {
		const rows = [{ key: 'maya', tokens: 350 }, { key: 'leo', tokens: 385 }, { key: '', tokens: 15 }];
		expect(usedByOthers(rows, [maya])).toBe(400);
		expect(usedByOthers(rows, [maya, leo])).toBe(15);
		expect(usedByOthers([], [maya])).toBe(0);
	});
});
