// What the Team page lets its viewer do, by the rules the server keeps (accounts/teams.ts): who may
// change whose role or remove whom, when leaving is refused, a set of caps (daily, weekly, monthly)
// typed, read as the server takes them and saved one period at a time, and where each action's
// answer is said: one at a time on the page.
import { readTokenAmount } from '$lib/client/amount';
import { Said } from '$lib/client/said.svelte';
import { errorMessage } from '$lib/client/errors';
import { tokens } from '$lib/client/format';
import { MAX_TOKENS } from '$lib/token-range';
import type { Outputs } from '$lib/client/api-types';

export type Team = Outputs['team']['get'];
export type Member = Team['members'][number];
export type TeamRole = Member['role'];
export type Cap = Team['caps'][number];
export type CapPeriod = Cap['period'];
/** A cap as words need it. */
export type CapFigure = Pick<Cap, 'period' | 'limitTokens' | 'siteDefault'>;

export const PERIODS: readonly CapPeriod[] = ['daily', 'weekly', 'monthly'];
/** A window's name as a label starts: "Daily", "Weekly", "Monthly". */
export const windowName = (p: string) => p[0]!.toUpperCase() + p.slice(1);
const PER: Record<CapPeriod, string> = { daily: 'a day', weekly: 'a week', monthly: 'a month' };
export const ROLE_NAME: Record<TeamRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

/** What the Team page says once to someone who has just joined `team` by its invitation: "You joined Acme as a member." */
export function joinedWords(team: { name: string; role: TeamRole | null }): string {
	const as = team.role === 'owner' ? 'an owner' : team.role === 'admin' ? 'an admin' : 'a member';
	return `You joined ${team.name} as ${as}.`;
}

const ownersOf = (team: Team) => team.members.filter((m) => m.role === 'owner').length;
/** An owner of the team, or a site admin outside it (the server lets both act as owners). */
const actsAsOwner = (team: Team) => team.myRole === 'owner' || (team.canManage && team.myRole === null);

export interface MemberActions {
	/** The roles the viewer may give this member (empty: the role is not theirs to change). */
	roles: TeamRole[];
	removable: boolean;
	/** Why the viewer's own role cannot change, in words; null when it can or is not theirs to change. */
	note: string | null;
}

/**
 * What the viewer may do to `m`: an owner changes anyone's role and removes anyone; an admin moves
 * people between member and admin and removes members; a team keeps one owner, so its only owner can
 * neither step down nor be removed. The viewer's own row has no Remove: they leave instead.
 */
export function memberActions(team: Team, m: Member): MemberActions {
	const none: MemberActions = { roles: [], removable: false, note: null };
	if (!team.canManage) return none;
	const self = m.userId === team.myUserId;
	if (m.role === 'owner' && ownersOf(team) === 1) {
		return { ...none, note: self ? 'You are the only owner: make someone else owner before you step down.' : null };
	}
	if (actsAsOwner(team)) return { roles: ['owner', 'admin', 'member'], removable: !self, note: null };
	if (m.role === 'owner') return none;
	return { roles: ['admin', 'member'], removable: !self && m.role === 'member', note: null };
}

/** Why the viewer cannot leave the team (its only owner), or null when they can. */
export function leaveRefusal(team: Team): string | null {
	return team.myRole === 'owner' && ownersOf(team) === 1 ? 'You are the only owner: make someone else owner before you leave, so the team keeps one.' : null;
}

/** The caps in force on the pool (`userId` null) or on one member's use of it, by period. */
export const capsFor = (team: Team, userId: string | null) => team.caps.filter((c) => c.memberUserId === userId);

/** Caps in words: "5,000 tokens a day · 20,000 a week", the site's defaults said as such; "no cap" when none. */
export function capsWords(caps: readonly CapFigure[]): string {
	const sorted = PERIODS.flatMap((p) => caps.filter((c) => c.period === p));
	if (!sorted.length) return 'no cap';
	return sorted
		.map((c, i) => `${tokens(c.limitTokens)}${i === 0 ? ' tokens' : ''} ${PER[c.period]}${c.limitTokens === 0 ? ' (nothing of the pool)' : ''}${c.siteDefault ? " (the site's default)" : ''}`)
		.join(' · ');
}

type CapNow = NonNullable<Member['capNow']>;
const NOW: Record<CapNow['period'], string> = { daily: 'today', weekly: 'this week', monthly: 'this month', never: 'in all' };

/**
 * A member's row's words of the cap that binds them now (the server's `capNow`: the tightest, the
 * dashboard's rule), naming whose it is: their own, "Weekly cap: 400 of 1,000 left this week" (their
 * row, beside their caps), or the pool's, as the pool's card, the dashboard and refusals name it, "The team's daily cap: …", so a
 * pool's cap that binds them is not read as one set for them;
 * used up, when it lets them spend again as the server worded it for the reader (`resets`: the
 * dashboard's words, in their Settings' zone or the site's, named): "Weekly cap reached · resets Dec 7,
 * 2026, 00:00 Berlin time (UTC+1)".
 */
export function capNowWords(cap: CapNow): string {
	const name = `${cap.limitOf === 'team' ? `The team's ${cap.period}` : windowName(cap.period)} cap`;
	if (cap.left > 0) return `${name}: ${tokens(cap.left)} of ${tokens(cap.limit)} left ${NOW[cap.period]}`;
	return `${name} reached${cap.resets ? ` · resets ${cap.resets}` : ''}`;
}

/**
 * The page's formatter of a cap's words (lib/refusal-message.ts) for a cap the server sent: its reset
 * as the server worded it for the reader (`resets`, the dashboard's words), not in the device's zone.
 */
export const capFormatter = (cap: Pick<CapNow, 'resets'>) => ({ tokens, time: () => cap.resets ?? '' });

/**
 * What saved caps come to when a longer window's cap is below a shorter one's: "The weekly cap (1,000)
 * is below the daily cap: at most 1,000 a week." (each such pair; the smaller binds, a valid choice,
 * said so it is not a surprise); null when each cap is at least the one of the window before.
 */
export function bindingNote(caps: readonly CapFigure[]): string | null {
	const sorted = PERIODS.flatMap((p) => caps.filter((c) => c.period === p));
	const notes = sorted.flatMap((c, i) => {
		const shorter = sorted.slice(0, i).find((s) => s.limitTokens > c.limitTokens);
		return shorter ? [`The ${c.period} cap (${tokens(c.limitTokens)}) is below the ${shorter.period} cap: at most ${tokens(c.limitTokens)} ${PER[c.period]}.`] : [];
	});
	return notes.length ? notes.join(' ') : null;
}

/**
 * The places of the Team page that say what an action came to: the page's head (a team created or
 * left), the pool's card (its name, its caps), the members' list (a removal), each member's row (their
 * role, their caps) and the invitations' card. One answer on the page at a time (Said): an action
 * starting at any of them (a form opened or sent, a role picked, a removal asked) silences the others,
 * and its refusal replaces what another said.
 */
export class TeamPlaces {
	readonly page = new Said();
	readonly pool = new Said();
	readonly members = new Said();
	readonly invite = new Said();
	readonly #rows = new Map<string, Said>();

	/** A member's row, the same place for as long as the page lives. */
	row(userId: string): Said {
		let said = this.#rows.get(userId);
		if (!said) this.#rows.set(userId, (said = new Said()));
		return said;
	}
}

/** Sets (tokens) or removes (null) one period's cap. */
export type SaveCap = (period: CapPeriod, limitTokens: number | null) => Promise<unknown>;

/**
 * A form of the three caps of the pool or of one member (`who`: "the pool", "Leo Martin"): each field
 * starts at the team's own cap (empty: none of its own, where the site's default may apply), a field
 * left empty removes that cap. Save starts an action at `said` (what the page said elsewhere goes),
 * reads every field first (a slip under each wrong one, nothing sent), then sends the periods that
 * changed, one by one; a refusal of one is said under its field and stops there; all saved, `said`
 * says the caps now in force.
 */
export class CapsForm {
	texts = $state<Record<CapPeriod, string>>({ daily: '', weekly: '', monthly: '' });
	slips = $state<Partial<Record<CapPeriod, string>>>({});
	busy = $state(false);
	private readonly own: Record<CapPeriod, number | null>;
	private readonly defaults: CapFigure[];

	constructor(
		caps: readonly Cap[],
		private readonly save: SaveCap,
		private readonly said: Said,
		private readonly who: string
	) {
		this.defaults = caps.filter((c) => c.siteDefault);
		const own = (p: CapPeriod) => caps.find((c) => c.period === p && !c.siteDefault)?.limitTokens ?? null;
		this.own = { daily: own('daily'), weekly: own('weekly'), monthly: own('monthly') };
		for (const p of PERIODS) this.texts[p] = this.own[p] === null ? '' : String(this.own[p]);
	}

	/** The caps in force as saved: the team's own, else the site's default where there is one. */
	get inForce(): CapFigure[] {
		return PERIODS.flatMap((p) => {
			const own = this.own[p];
			if (own !== null) return [{ period: p, limitTokens: own, siteDefault: false }];
			return this.defaults.filter((c) => c.period === p);
		});
	}

	/** The first period with a slip (its field takes the focus), or null. */
	get firstSlip(): CapPeriod | null {
		return PERIODS.find((p) => this.slips[p]) ?? null;
	}

	/** Saves what changed; true when all of it was saved (or nothing had changed). */
	async submit(): Promise<boolean> {
		const wanted = {} as Record<CapPeriod, number | null>;
		this.said.start();
		this.slips = {};
		for (const p of PERIODS) {
			if (this.texts[p].trim() === '') {
				wanted[p] = null;
				continue;
			}
			const typed = readTokenAmount(this.texts[p], { min: 0, max: MAX_TOKENS, what: `A ${p} cap`, rule: 'Type a whole number of tokens, or leave the field empty for no cap.' });
			if (typed.ok) wanted[p] = typed.value;
			else this.slips[p] = typed.error;
		}
		if (this.firstSlip) return false;
		this.busy = true;
		try {
			for (const p of PERIODS) {
				if (wanted[p] === this.own[p]) continue;
				try {
					await this.save(p, wanted[p]);
					this.own[p] = wanted[p];
				} catch (err) {
					this.slips[p] = errorMessage(err);
					return false;
				}
			}
			this.said.message = { kind: 'ok', text: [`Caps saved for ${this.who}: ${capsWords(this.inForce)}.`, bindingNote(this.inForce)].filter(Boolean).join(' ') };
			return true;
		} finally {
			this.busy = false;
		}
	}
}

/**
 * Tokens the pool's use by member (`rows`: the usage rollup `by: 'member'`, keyed by user id) gives to
 * no one listed in `members`: people who left or were removed, and uses with no member (a site key
 * for the team). The pool's "used today" counts them; the members' rows alone would not add up to it.
 */
export function usedByOthers(rows: readonly { key: string; tokens: number }[], members: readonly Pick<Member, 'userId'>[]): number {
	const listed = new Set(members.map((m) => m.userId));
	return rows.reduce((n, r) => (listed.has(r.key) ? n : n + r.tokens), 0);
}
