// The Team page's rules of who may do what (the server's, said before anything is sent), its caps
// form (every field read as the server takes it, only what changed sent, a refusal under its field),
// and its answers: one at a time on the page, each gone once another action starts.
import { describe, expect, it } from 'vitest';
import { appZone } from '$lib/client/format';
import { bindingNote, CapsForm, capNowWords, capsWords, joinedWords, leaveRefusal, memberActions, TeamPlaces, usedByOthers, type Cap, type CapPeriod, type Member, type Team } from './team-manage.svelte';

const member = (userId: string, role: Member['role']): Member => ({ userId, name: userId, email: `${userId}@example.com`, role, joinedAt: '2026-11-01T00:00:00.000Z', capNow: null });
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

describe('the cap that binds a member now, in words', () => {
	it('says what it leaves in its window, whose it is (the pool’s, in the pool card’s name, or their own), and once used up, that it is reached and when it resets as the server worded it for the reader, not in the device’s zone', () => {
		const zone = appZone.now;
		// A zone of the device's (or of the app's) is not the one said: the server's words are, the dashboard's.
		appZone.now = () => 'Pacific/Honolulu';
		try {
			const resets = 'Dec 7, 2026, 00:00 Berlin time (UTC+1)';
			const weekly = { limitOf: 'member' as const, period: 'weekly' as const, limit: 1_000, used: 600, left: 400, resetsAt: '2026-12-06T23:00:00.000Z', resets };
			expect(capNowWords(weekly)).toBe('Weekly cap: 400 of 1,000 left this week');
			// The pool's cap that binds them is said to be the pool's, in the pool card's name, left or reached.
			const pool = { ...weekly, limitOf: 'team' as const, period: 'daily' as const, limit: 20_000, left: 19_400 };
			expect(capNowWords(pool)).toBe("The team's daily cap: 19,400 of 20,000 left today");
			expect(capNowWords({ ...pool, left: 0, resets: 'Dec 4, 2026, 00:00 UTC' })).toBe("The team's daily cap reached · resets Dec 4, 2026, 00:00 UTC");
			expect(capNowWords({ ...weekly, used: 1_700, left: 0 })).toBe(`Weekly cap reached · resets ${resets}`);
		} finally {
			appZone.now = zone;
		}
	});
});

describe('caps whose longer window allows less than a shorter one', () => {
	it('says the smaller cap binds, for each such pair, and nothing when every cap is at least the one before it', () => {
		expect(bindingNote([cap('daily', 5_000), cap('weekly', 1_000)])).toBe('The weekly cap (1,000) is below the daily cap: at most 1,000 a week.');
		expect(bindingNote([cap('monthly', 3_000), cap('daily', 5_000), cap('weekly', 20_000)])).toBe('The monthly cap (3,000) is below the daily cap: at most 3,000 a month.');
		expect(bindingNote([cap('daily', 5_000), cap('weekly', 5_000), cap('monthly', 100_000)])).toBeNull();
		expect(bindingNote([])).toBeNull();
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
		const pool = new TeamPlaces().pool;
		const f = new CapsForm([cap('daily', 20_000, true), cap('weekly', 90_000)], s.save, pool, 'the pool');
		expect(f.texts).toEqual({ daily: '', weekly: '90000', monthly: '' });
		f.texts.monthly = '1,000,000';
		f.texts.weekly = '';
		expect(await f.submit()).toBe(true);
		expect(s.calls).toEqual([['weekly', null], ['monthly', 1_000_000]]);
		expect(capsWords(f.inForce)).toBe("20,000 tokens a day (the site's default) · 1,000,000 a month");
		expect(pool.message).toEqual({ kind: 'ok', text: "Caps saved for the pool: 20,000 tokens a day (the site's default) · 1,000,000 a month." });
		// Saved again as it is: nothing is sent.
		expect(await f.submit()).toBe(true);
		expect(s.calls).toHaveLength(2);
	});

	it('takes a weekly cap below the daily one, and says after saving that the weekly one binds', async () => {
		const s = server();
		const row = new TeamPlaces().row('leo');
		const f = new CapsForm([{ ...cap('daily', 5_000), memberUserId: 'leo' }], s.save, row, 'Leo');
		f.texts.weekly = '1000';
		expect(await f.submit()).toBe(true);
		expect(s.calls).toEqual([['weekly', 1_000]]);
		expect(row.message).toEqual({ kind: 'ok', text: 'Caps saved for Leo: 5,000 tokens a day · 1,000 a week. The weekly cap (1,000) is below the daily cap: at most 1,000 a week.' });
	});

	it('reads every field before sending: each slip under its own field, nothing sent', async () => {
		const s = server();
		const f = new CapsForm([], s.save, new TeamPlaces().row('leo'), 'Leo');
		f.texts = { daily: 'lots', weekly: '500', monthly: '99999999999999999' };
		expect(await f.submit()).toBe(false);
		expect(f.slips).toEqual({ daily: 'Type a whole number of tokens, or leave the field empty for no cap.', monthly: 'A monthly cap is at most 1,000,000,000,000 tokens.' });
		expect(f.firstSlip).toBe('daily');
		expect(s.calls).toEqual([]);
	});

	it('says a refusal of the server under the field of the period refused, keeping what was saved before it', async () => {
		const s = server({ period: 'weekly', said: 'No such team.' });
		const row = new TeamPlaces().row('leo');
		const f = new CapsForm([], s.save, row, 'Leo');
		f.texts = { daily: '100', weekly: '700', monthly: '' };
		expect(await f.submit()).toBe(false);
		expect(f.slips).toEqual({ weekly: 'No such team.' });
		expect(capsWords(f.inForce)).toBe('100 tokens a day');
		expect(row.message).toBeNull();
	});
});

describe("the Team page's answers", () => {
	const saved = (text: string) => ({ kind: 'ok' as const, text });

	it('says one at a time: an answer goes as soon as another action starts anywhere on the page, and a refusal replaces it', () => {
		const said = new TeamPlaces();
		said.pool.start();
		said.pool.message = saved('The team is now called Acme Design.');
		// Leo's role changed in his row: the pool's "name saved" is no longer said, his row's answer is.
		said.row('leo').start();
		expect(said.pool.message).toBeNull();
		said.row('leo').message = saved('Leo is now an admin.');
		expect([said.pool.message, said.row('leo').message]).toEqual([null, saved('Leo is now an admin.')]);
		// Maya's caps opened: Leo's row goes quiet, before anything is sent.
		said.row('maya').start();
		expect(said.row('leo').message).toBeNull();
		// An invitation refused: the refusal is the page's one answer, nothing sits beside it.
		said.invite.message = { kind: 'empty', text: 'Too many invitations: try again in an hour.' };
		const all = [said.page, said.pool, said.members, said.invite, said.row('leo'), said.row('maya')].map((p) => p.message).filter(Boolean);
		expect(all).toEqual([{ kind: 'empty', text: 'Too many invitations: try again in an hour.' }]);
		// A place keeps being the same place for a row: its answer is there to read.
		expect(said.row('maya')).toBe(said.row('maya'));
	});

	it('a save of caps starts its own action: what the page said elsewhere goes, even when a slip stops the send; saved, it is said in its own place only', async () => {
		const said = new TeamPlaces();
		said.page.message = saved('Acme Design is created and you are its owner.');
		const sent: unknown[] = [];
		const form = new CapsForm([], async (...call) => void sent.push(call), said.row('leo'), 'Leo Martin');
		form.texts.daily = 'lots';
		expect(await form.submit()).toBe(false);
		expect([said.page.message, said.row('leo').message, sent]).toEqual([null, null, []]);
		form.texts.daily = '6000';
		expect(await form.submit()).toBe(true);
		expect(said.row('leo').message).toEqual(saved('Caps saved for Leo Martin: 6,000 tokens a day.'));
		// Another row's caps opened next: Leo's "Caps saved" goes.
		said.row('maya').start();
		expect(said.row('leo').message).toBeNull();
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

describe('what the Team page says to someone who has just joined by an invitation', () => {
	it('names the team and the role they joined as', () => {
		expect(joinedWords({ name: 'Acme Studio', role: 'member' })).toBe('You joined Acme Studio as a member.');
		expect(joinedWords({ name: 'Acme Studio', role: 'admin' })).toBe('You joined Acme Studio as an admin.');
		expect(joinedWords({ name: "Leo's Lab", role: 'owner' })).toBe("You joined Leo's Lab as an owner.");
	});
});
