// The audit log in words a site owner reads: what happened ("Signed in", "Bonus granted"), what it
// was about (named lines: "Note", "Expires", the member a cap is for, linked to their page) and what
// changed, field by named field, before and after. Figures stay figures (tokens, instants, money):
// the page writes them in the reader's locale and time zone. Every action the code writes
// (AUDIT_ACTIONS) has words here; a unit test goes through them all.
import type { ActorKind, AuditAction } from '../accounts';
import { zoneName } from '../../zone-name';
import { counted } from '../../counted';
import { percentText } from '../../percent';
import { unitWord } from '../../unit-words';
import { ANY_MODEL } from '../../model-words';
import { scopesInWords } from '../../key-scopes';
import { jobWords } from '../../job-words';

/**
 * One value as the page shows it: words (`account`: the account whose page they link to), a figure
 * (tokens, a count; `signed`: "+500" for a change), an instant, or money in minor units.
 */
export type AuditValue = { text: string; account?: string } | { figure: number; signed?: true } | { at: string } | { cents: number; currency: string };

export interface AuditLine {
	label: string;
	value: AuditValue;
}

export interface AuditChange {
	field: string;
	before: AuditValue;
	after: AuditValue;
}

export interface AuditWords {
	/** What happened: "Signed in", "Bonus granted", "Site settings changed". */
	title: string;
	/** What it was about, beyond the entry's account and user. */
	lines: AuditLine[];
	/** The fields that changed, named, with their values before and after. */
	changes: AuditChange[];
}

/** Names of what entries name by id or key (read once for a page of entries: audit-log.ts `auditNames`). */
export interface AuditNames {
	/** Users and teams by id: their name and the account their page is. */
	people: Map<string, { name: string; accountId: string }>;
	roles: Map<string, string>;
	modules: Map<string, string>;
	models: Map<string, string>;
	products: Map<string, string>;
}

export const noNames = (): AuditNames => ({ people: new Map(), roles: new Map(), modules: new Map(), models: new Map(), products: new Map() });

/** An entry as the words read it. */
export interface AuditEntryFacts {
	action: string;
	targetType: string | null;
	targetId: string | null;
	before: unknown;
	after: unknown;
	detail: unknown;
}

type Obj = Record<string, unknown>;
type Format = (v: unknown, n: AuditNames, whole: Obj) => AuditValue;
/** A field's name and how its value reads. */
type Field = [label: string, format: Format];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

// Value formats.
const text = (v: string): AuditValue => ({ text: v });
const plain =
	(none = '—'): Format =>
	(v) =>
		text(Array.isArray(v) ? (v.length ? v.map(String).join(', ') : none) : v === null || v === undefined || v === '' ? none : String(v));
const tokensOr =
	(none: string): Format =>
	(v) =>
		typeof v === 'number' ? { figure: v } : text(none);
/** The Limits page's None, as its choice says it: no free tokens, so a user pays from the balance; a guest, who has none, needs an account. */
const NO_FREE_TOKENS = 'None: pays from the balance';
const GUEST_NO_FREE_TOKENS = 'None: needs an account';
/**
 * A free allowance's limit in the Limits page's words: tokens, Unlimited (null, or 'unlimited' as
 * the form sends it), "Not available" (0), or None ('none', the form's and a saved module's; and an
 * audience without a rule, as older entries have it).
 */
const limitIn =
	(none: string): Format =>
	(v) =>
		v === null || v === 'unlimited' ? text('Unlimited') : v === undefined || v === 'none' ? text(none) : v === 0 ? text('Not available') : { figure: Number(v) };
const limit = limitIn(NO_FREE_TOKENS);
const yesNo: Format = (v) => text(v ? 'Yes' : 'No');
const onOff: Format = (v) => text(v ? 'On' : 'Off');
const instant =
	(none: string): Format =>
	(v) =>
		typeof v === 'string' && v ? { at: v } : text(none);
const named =
	(of: NameList, none = '—'): Format =>
	(v, n) =>
		typeof v === 'string' && v ? text(n[of].get(v) ?? v) : text(none);
const person: Format = (v, n) => {
	const p = typeof v === 'string' ? n.people.get(v) : undefined;
	return p ? { text: p.name, account: p.accountId } : text(typeof v === 'string' ? 'Someone no longer here' : '—');
};
const words =
	(table: Record<string, string>): Format =>
	(v) =>
		text(typeof v === 'string' || typeof v === 'number' ? (table[String(v)] ?? String(v)) : '—');

const PERIOD = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly', never: 'Never (a one-time total)' };
const TEAM_ROLE = { owner: 'Owner', admin: 'Admin', member: 'Member' };
const WEEKDAY = { 0: 'Sunday', 1: 'Monday', 2: 'Tuesday', 3: 'Wednesday', 4: 'Thursday', 5: 'Friday', 6: 'Saturday' };
const LIMIT_TYPE = { none: 'None: users pay from their balance', general: 'One limit for every user', role: 'A limit per role' };
const ON_EXHAUSTED = { message: 'Show the limit message', inactive: 'Show the module as inactive' };
/** An unlimited lot without an expiry, as its Until reads. */
const NO_END = 'No end date';
const SOURCE = { bonus: 'Bonus', referral: 'Referral bonus', event: 'Event bonus', admin: 'Added by an admin' };
const KIND = { pack: 'Token pack', model_pack: 'Model pack', bundle: 'Bundle', subscription: 'Subscription' };

/** A figure inside words ("2 × 5,000 tokens"): the REST API's digits with thousands separators, whatever the server's locale. */
const digits = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const num = (v: unknown) => (typeof v === 'number' ? digits.format(v) : String(v));

const model = named('models', ANY_MODEL);
const zone: Format = (v) => text(typeof v === 'string' ? zoneName(v) : '—');
const price: Format = (v, _n, whole) => (typeof v === 'number' && typeof whole.currency === 'string' ? { cents: v, currency: whole.currency } : text('—'));
const grants: Format = (v, n) =>
	text(Array.isArray(v) ? v.map((g) => counted(Number(obj(g).tokens), `${obj(g).model ? `${n.models.get(String(obj(g).model)) ?? obj(g).model} ` : ''}token`, num)).join(' + ') : '—');
const breakdown: Format = (v) => text(Array.isArray(v) && v.length ? v.map((p) => `${obj(p).label} ${num(obj(p).tokens)}`).join(' + ') : 'None');
const rollover: Format = (v) => {
	if (!isObj(v)) return text('Off');
	const cap = typeof v.capTokens === 'number' ? `up to ${counted(v.capTokens, 'token', num)}` : `up to ${typeof v.capPercent === 'number' ? percentText(v.capPercent) : '—'} of the limit`;
	const k = v.expiresAfterPeriods;
	return text(`On, ${cap} held at a time; ${typeof k === 'number' ? `each rollover expires after ${counted(k, 'period')}` : 'never expires'}`);
};

/** Fields no person needs: ids, keys, hashes, bookkeeping times, how Quota did it (the By line says). */
const HIDDEN = new Set(['id', 'key', 'hash', 'via', 'updatedAt', 'createdAt', 'sort', 'lotId', 'accountId', 'module']);

/** "limitTokens" → "Limit tokens": a field no table names still reads as words. */
const humanize = (key: string) => {
	const s = key.replace(/([a-z])([A-Z])/g, '$1 $2').replaceAll('_', ' ').toLowerCase();
	return s.charAt(0).toUpperCase() + s.slice(1);
};

interface Spec {
	/**
	 * What happened, as the log's filter names the action: short enough to read whole in the closed
	 * select on a phone (390 px: about 38 characters); an entry's title may say what followed (`titleOf`).
	 */
	title: string;
	/** The title of one entry, when it says more than the action's ("Feature added", "Feature changed"): the title's words but its verb, so a reader knows it by the filter's. */
	titleOf?: (e: AuditEntryFacts) => string;
	/** What the entry was about, in named lines (null: nothing to say). */
	lines?: (e: AuditEntryFacts, n: AuditNames) => (AuditLine | null)[];
	/** How the fields of before and after read; a field not named here reads by its humanized key. */
	fields?: Record<string, Field>;
	/** Fields whose change the title says already ("User disabled": disabled No → Yes). */
	hide?: string[];
	/** Fields HIDDEN leaves out elsewhere that this entry says: a feature's key and module, which name it and where it is. */
	show?: string[];
	/** Before and after as flat fields (a module's limits per role: `role:author`), and how those read. */
	flatten?: { fields: (v: Obj, other: Obj) => Obj; field: (key: string, n: AuditNames) => Field | null };
	/** Before and after said otherwise than field by field (a rollover setting, or its absence, as a sentence). */
	changes?: (e: AuditEntryFacts, n: AuditNames) => AuditChange[];
	/** The site's names the words read (users and teams are looked up by the ids entries hold). */
	names?: NameList[];
}

type NameList = Exclude<keyof AuditNames, 'people'>;

/** "Daily cap set". */
// A team owner's caps (the pool's, a member's) read apart from a site admin's, in the entries and the filter.
const PER_WINDOW: Record<string, string> = { daily: 'a day', weekly: 'a week', monthly: 'a month' };
/** The caps set on a member that ended with their membership ("5,000 tokens a day · 20,000 a week"); no line when none were. */
const capsEnded = (e: AuditEntryFacts): (AuditLine | null)[] => {
	const ended = obj(e.detail).capsEnded;
	if (!Array.isArray(ended) || !ended.length) return [];
	return [line('Their caps, ended with it', text(ended.map((c) => `${counted(Number(obj(c).limitTokens), 'token', num)} ${PER_WINDOW[String(obj(c).period)] ?? ''}`.trim()).join(' · ')))];
};
const capTitle = (period: unknown, what = 'cap') => (period === 'daily' || period === 'weekly' || period === 'monthly' ? `${PERIOD[period]} ${what} set` : `${what[0]!.toUpperCase()}${what.slice(1)} set`);

const line = (label: string, value: AuditValue | null): AuditLine | null => (value ? { label, value } : null);
const say = (label: string, v: unknown): AuditLine | null => (str(v) ? { label, value: text(v as string) } : null);

/** What a change was to, by its name ("Feature: Generate all"); a new or removed thing lists its name with its other fields. */
const subject =
	(label: string) =>
	(e: AuditEntryFacts): (AuditLine | null)[] => [e.before && e.after ? say(label, obj(e.after).name ?? obj(e.before).name) : null];

const ROLE_FIELDS: Record<string, Field> = { name: ['Name', plain()], description: ['Description', plain('None')] };
const KEY_LINES = (e: AuditEntryFacts): (AuditLine | null)[] => {
	const k = { ...obj(e.before), ...obj(e.after) };
	return [say('Key', k.name), say('Starts with', k.prefix)];
};
const INVITE_LINES = (e: AuditEntryFacts): (AuditLine | null)[] => {
	const d = obj(e.detail);
	return [say('Email', d.email), line('As', d.role ? words(TEAM_ROLE)(d.role, noNames(), d) : null)];
};
const LIMIT_FIELDS: Record<string, Field> = {
	name: ['Module', plain()],
	guest: ['Guest limit', limitIn(GUEST_NO_FREE_TOKENS)],
	limitType: ["Users' free allowance", words(LIMIT_TYPE)],
	members: ['User limit (any other role)', limit],
	// The user limit when neither side is role-based: the limit of every user (flatten below).
	everyone: ['Limit for every user', limit],
	period: ['Resets', words(PERIOD)],
	limitMessage: ['Limit message', plain()],
	onExhausted: ['When the free tokens run out', words(ON_EXHAUSTED)]
};
/** A feature, module or model's key, as the API and the Rates page name it. */
const KEY_FIELD: Field = ['Key', plain()];
const FEATURE_FIELDS: Record<string, Field> = {
	name: ['Name', plain()],
	key: KEY_FIELD,
	module: ['Module', named('modules')],
	unit: ['Charged per', (v) => text(typeof v === 'string' ? unitWord(v).replace(/^./, (c) => c.toUpperCase()) : '—')],
	tokensPerUnit: ['Tokens per unit', plain()],
	enabled: ['Enabled', yesNo],
	breakdown: ['Breakdown', breakdown]
};
const PRODUCT_FIELDS: Record<string, Field> = {
	name: ['Name', plain()],
	kind: ['Kind', words(KIND)],
	priceCents: ['Price', price],
	currency: ['Currency', plain()],
	grants: ['Tokens', grants],
	maxQuantity: ['Most at once', plain('—')],
	billingInterval: ['Renews', words({ month: 'Monthly', year: 'Annually' })],
	active: ['On sale', yesNo],
	description: ['Description', plain('None')],
	paddlePriceSandbox: ['Paddle price id, sandbox', plain('None')],
	paddlePriceProduction: ['Paddle price id, production', plain('None')],
	// The prices it sold through before a price change, archived in Paddle (its subscribers renew on them).
	retiredPrices: ['Archived Paddle prices', (v) => text(Array.isArray(v) && v.length ? v.map((r) => `${obj(r).priceId} (${obj(r).environment})`).join(', ') : 'None')]
};
/** How Paddle's transaction came (its `origin`): a checkout, or billed on a subscription. */
const ORIGIN = { web: 'A checkout', api: 'A checkout', subscription_recurring: 'A subscription renewal', subscription_charge: 'An auto top-up' };
/** Where a purchase's checkout was opened (its order's `channel`): a member in the store, or a host site's user in the embedded store. */
const CHANNEL = { store: 'The member store', embed: 'The embedded store' };
/** A Paddle payment's fields, as the purchase, refund and reversal entries hold them. */
const PAYMENT_FIELDS: Record<string, Field> = {
	// The name it was sold under (entries since 0049), else today's.
	package: ['Package', (v, n, w) => (str(w.package_name) ? text(w.package_name as string) : named('products')(v, n, w))],
	quantity: ['Quantity', plain()],
	tokens: ['Tokens', tokensOr('—')],
	tokens_taken_back: ['Tokens taken back', tokensOr('0')],
	tokens_already_spent: ['Tokens already spent', tokensOr('0')],
	tokens_due: ["Share of the order's tokens", tokensOr('Unknown: what the order paid is not known, so none were taken back; adjust the balance to take some back')],
	tokens_given_back: ['Tokens given back', tokensOr('0')],
	amount_cents: ['Amount', price],
	paid_cents: ['Paid for the order', price],
	origin: ['Paid as', words(ORIGIN)],
	channel: ['Bought in', words(CHANNEL)],
	transaction_id: ['Paddle transaction', plain()],
	adjustment_id: ['Paddle adjustment', plain()]
};
const PAYMENT_HIDDEN = ['currency', 'cause', 'package_name'];
/** A chargeback's entry: a partial one holds its share of the tokens (`tokens_due`). */
const chargebackTitle = (e: AuditEntryFacts) => ('tokens_due' in obj(e.after) ? 'Purchase partly charged back' : 'Purchase charged back');
/**
 * The fields of money Paddle paid back without tokens (a partial refund, a credit): how much, of what
 * the order paid, then what it did to the tokens and why.
 */
const keptTokens = (what: string): Record<string, Field> => ({
	amount_cents: ['Paid back', price],
	paid_cents: PAYMENT_FIELDS.paid_cents!,
	tokens_taken_back: ['Tokens taken back', () => text(`None: Paddle does not say which of the tokens ${what} is for; adjust the balance to take some back`)],
	transaction_id: PAYMENT_FIELDS.transaction_id!,
	adjustment_id: PAYMENT_FIELDS.adjustment_id!
});
/** The fields of a chargeback warning or its withdrawal: the money disputed, of what the order paid, and why no tokens moved. */
const warning = (why: string): Record<string, Field> => ({
	amount_cents: ['Disputed', price],
	paid_cents: PAYMENT_FIELDS.paid_cents!,
	tokens_taken_back: ['Tokens taken back', () => text(why)],
	transaction_id: PAYMENT_FIELDS.transaction_id!,
	adjustment_id: PAYMENT_FIELDS.adjustment_id!
});
const ENDPOINT_FIELDS: Record<string, Field> = { url: ['Endpoint', plain()], description: ['Description', plain('None')], event_types: ['Events', plain('None')], enabled: ['Enabled', yesNo] };
const endpointLine = (e: AuditEntryFacts) => say('Endpoint', obj(e.after).url ?? obj(e.before).url ?? obj(e.detail).url);
/** Who a free allowance is for: guests, every user, a role, a team, one member of a team's pool. */
const audience = (d: Obj, n: AuditNames): AuditValue => {
	if (d.audience === 'guest') return text('Guests');
	if (d.audience === 'user') return text('Every user');
	if (d.audience === 'role') return text(`Users with the role ${n.roles.get(String(d.role)) ?? d.role}`);
	return person(d.audience === 'team' ? d.teamId : d.userId, n, d);
};

const WORDS: Record<AuditAction, Spec> = {
	'auth.signup': { title: 'Signed up' },
	'auth.signin': { title: 'Signed in' },
	'auth.signin_failed': {
		title: 'Sign-in refused',
		lines: (e) => {
			const d = obj(e.detail);
			// The address is the user line's when it is someone's.
			return [d.reason === 'unknown_email' ? say('Email', d.email) : null, line('Why', words({ unknown_email: 'No account has this e-mail address', wrong_password: 'Wrong password', disabled: 'The user is disabled' })(d.reason, noNames(), d))];
		}
	},
	'auth.current_password_failed': {
		title: 'Wrong current password in Settings',
		lines: (e) => [line('Trying to change', words({ email: 'their e-mail address', password: 'their password' })(obj(e.detail).change, noNames(), {}))]
	},
	'auth.signout': { title: 'Signed out' },
	'auth.signout_everywhere': { title: 'Signed out everywhere', lines: (e) => [line('Sessions ended', tokensOr('—')(obj(e.detail).sessions, noNames(), {}))] },
	'auth.password_reset_requested': { title: 'Asked for a password reset' },
	'auth.password_reset': { title: 'Password reset' },
	'user.name_changed': { title: 'Name changed in Settings', fields: { name: ['Name', plain()] } },
	'user.email_changed': { title: 'Email address changed in Settings', fields: { email: ['Email', plain('None')] } },
	'user.email_confirmed': { title: 'Email address confirmed' },
	'user.password_changed': {
		title: 'Password changed in Settings',
		lines: (e) => [line('Other sessions signed out', tokensOr('—')(obj(e.detail).otherSessionsEnded, noNames(), {}))]
	},
	'user.role_changed': { title: 'Site role changed', fields: { siteRole: ['Site role', named('roles')] }, names: ['roles'] },
	'user.disabled': { title: 'User disabled', titleOf: () => 'User disabled: signed out everywhere, keys refused', hide: ['disabled'] },
	'user.enabled': { title: 'User enabled', hide: ['disabled'] },
	'role.created': { title: 'Role added', fields: ROLE_FIELDS },
	'role.updated': { title: 'Role changed', lines: subject('Role'), fields: ROLE_FIELDS },
	'role.deleted': { title: 'Role removed', fields: ROLE_FIELDS },
	'key.created': {
		title: 'API key created',
		lines: KEY_LINES,
		fields: {
			kind: ['Kind', words({ site: 'Site key: acts on every account', account: 'Account key: acts on this account' })],
			scopes: ['May', (v) => text(Array.isArray(v) ? scopesInWords(v) : '—')]
		},
		hide: ['name', 'prefix']
	},
	'key.revoked': { title: 'API key revoked', lines: KEY_LINES, hide: ['name', 'prefix', 'revokedAt'] },
	'key.paused': { title: 'API key paused', titleOf: () => 'API key paused: its requests are refused', lines: KEY_LINES, hide: ['name', 'prefix', 'pausedAt'] },
	'key.resumed': { title: 'API key resumed', lines: KEY_LINES, hide: ['name', 'prefix', 'pausedAt'] },
	'team.created': { title: 'Team created', fields: { name: ['Name', plain()] } },
	'team.renamed': { title: 'Team renamed', fields: { name: ['Name', plain()] } },
	'team.invited': { title: 'Invited to the team', lines: INVITE_LINES },
	'team.invite_revoked': { title: 'Invitation withdrawn', lines: INVITE_LINES },
	'team.invite_resent': { title: 'Invitation sent again', lines: INVITE_LINES, fields: { expiresAt: ['Link valid until', instant('—')] } },
	'team.member_joined': { title: 'Joined the team', fields: { role: ['Team role', words(TEAM_ROLE)] } },
	'team.role_changed': { title: 'Team role changed', fields: { role: ['Team role', words(TEAM_ROLE)] } },
	'team.member_removed': { title: 'Removed from the team', lines: capsEnded, fields: { role: ['Team role', words(TEAM_ROLE)] } },
	'team.member_left': { title: 'Left the team', lines: capsEnded, fields: { role: ['Team role', words(TEAM_ROLE)] } },
	'team.cap_set': {
		title: 'Team cap set',
		titleOf: (e) => capTitle(obj(e.after).period ?? obj(e.before).period, 'team cap'),
		fields: { limitTokens: ['Cap (tokens)', tokensOr('None')] },
		hide: ['period']
	},
	'ledger.grant': {
		title: 'Tokens granted',
		fields: {
			tokens: ['Tokens', (v, _n, w) => (w.unlimited ? text('Unlimited') : tokensOr('—')(v, _n, w))],
			source: ['As', words(SOURCE)],
			model: ['Model', model],
			expires_at: ['Expires', instant('Never')],
			note: ['Note', plain('None')]
		},
		hide: ['unlimited'],
		names: ['models']
	},
	'unlimited.granted': {
		title: 'Unlimited granted',
		fields: { source: ['As', words(SOURCE)], model: ['Model', model], expires_at: ['Until', instant(NO_END)], note: ['Note', plain('None')] },
		hide: ['tokens', 'unlimited'],
		names: ['models']
	},
	'unlimited.ended': {
		title: 'Unlimited ended',
		lines: (e, n) => {
			const d = obj(e.detail);
			return [line('Model', model(d.model, n, d)), say('Note', d.note)];
		},
		fields: { expiresAt: ['Until', instant(NO_END)] },
		names: ['models']
	},
	'lot.ended': {
		title: 'Lot ended',
		titleOf: () => 'Lot ended: what was left expired',
		lines: (e, n) => {
			const d = obj(e.detail);
			return [line('Tokens expired', tokensOr('—')(d.tokens, n, d)), line('Model', model(d.model, n, d)), say('Note', d.note)];
		},
		fields: { expiresAt: ['Expires', instant('Never')] },
		names: ['models']
	},
	'bonus.granted': {
		title: 'Bonus granted',
		lines: (e, n) => {
			const d = obj(e.detail);
			return [
				line('Tokens', tokensOr('—')(d.tokens, n, d)),
				line('Model', model(d.model, n, d)),
				line('Expires', instant('Never')(d.expiresAt, n, d)),
				say('Note', d.note)
			];
		},
		fields: { balance: ['Balance (tokens)', tokensOr('—')] },
		names: ['models']
	},
	'balance.adjusted': {
		title: 'Balance adjusted',
		lines: (e) => {
			const d = obj(e.detail);
			return [line('Change (tokens)', typeof d.delta === 'number' ? { figure: d.delta, signed: true } : null), say('Reason', d.reason)];
		},
		fields: { balance: ['General balance (tokens)', tokensOr('—')] }
	},
	'campaign.created': {
		title: 'Event bonus created',
		fields: {
			audience: ['Who gets it', (v, n, w) => (v === 'team' ? person(w.teamId, n, w) : v === 'role' ? text(`Users with the role ${n.roles.get(String(w.role)) ?? w.role}`) : text('All users'))],
			tokens: ['Tokens each', tokensOr('—')],
			model: ['Model', model],
			expiresAt: ['Expires', instant('Never')],
			note: ['Note', plain()]
		},
		hide: ['role', 'teamId'],
		names: ['roles', 'models']
	},
	'campaign.applied': { title: 'Event bonus sent', lines: (e) => [say('Note', obj(e.detail).note)], fields: { reached: ['Accounts reached', tokensOr('0')] } },
	'campaign.ended': {
		title: 'Event bonus ended',
		lines: (e, n) => {
			const d = obj(e.detail);
			return [
				say('Note', d.note),
				line('Accounts whose lot ended', tokensOr('0')(d.accounts, n, d)),
				line('Tokens expired', tokensOr('0')(d.tokens, n, d)),
				typeof d.held === 'number' && d.held > 0 ? line('Lots a running job held (not ended)', tokensOr('0')(d.held, n, d)) : null
			];
		},
		fields: { endedAt: ['Ended', instant('—')] }
	},
	'campaign.expiry_changed': {
		title: 'Event bonus expiry changed',
		lines: (e, n) => {
			const d = obj(e.detail);
			return [say('Note', d.note), line('Accounts whose lot changed', tokensOr('0')(d.accounts, n, d))];
		},
		fields: { expiresAt: ['Expires', instant('Never')] }
	},
	'cap.set': {
		title: 'Cap set',
		titleOf: (e) => capTitle(obj(e.detail).period),
		lines: (e, n) => {
			const d = obj(e.detail);
			return [
				line('For', d.memberUserId ? person(d.memberUserId, n, d) : text('The whole account')),
				line('Cap (tokens)', typeof d.limitTokens === 'number' && d.limitTokens >= 0 ? { figure: d.limitTokens } : text('None (removed)'))
			];
		}
	},
	'cap.lowered_from_flag': {
		title: 'Daily cap set from an unusual-use flag',
		lines: (e) => [
			line('Used that day (tokens)', tokensOr('—')(obj(e.detail).usedToday, noNames(), {})),
			// Set after that day's use had reached it (the alert said so): it stopped spending until the day ended.
			say('That day', obj(e.detail).stoppedToday === true ? 'Spending stopped until the day ended: its use had already reached the cap, as the alert said' : null)
		],
		fields: { daily: ['Daily cap (tokens)', tokensOr('None')] }
	},
	'cap.set_own': {
		title: 'Own cap set in Settings',
		fields: { daily: ['Daily cap (tokens)', tokensOr('None')], weekly: ['Weekly cap (tokens)', tokensOr('None')], monthly: ['Monthly cap (tokens)', tokensOr('None')] }
	},
	'site.settings_updated': {
		title: 'Site settings changed',
		fields: {
			timeZone: ['Time zone', zone],
			weekStart: ['Week starts on', words(WEEKDAY)],
			spendOrder: ['Spend order', words({ 'allowance-first': 'Free allowance first, then the balance', 'balance-first': 'Balance first, then the free allowance' })],
			lowSharePercent: ['Low balance below', (v) => text(typeof v === 'number' ? percentText(v) : '—')],
			defaultTeamDailyCap: ["Each team's daily cap (default, tokens)", tokensOr('None')],
			defaultMemberDailyCap: ["Each team member's daily cap (default, tokens)", tokensOr('None')],
			createUnknownUsers: ['Create users for unknown ids', onOff]
		}
	},
	// The Limits page's free allowances, in DESIGN.md's words: a module's free allowance (per audience)
	// and its limit, never "module limits", which read as a second thing beside them. The actions'
	// keys are as entries hold them (append-only): an entry written before reads in these words too.
	'allowance.set': {
		title: 'Free allowance set',
		lines: (e, n) => {
			const d = obj(e.detail);
			return [line('Module', named('modules')(d.module, n, d)), line('For', audience(d, n)), line('Limit', limit(d.limitTokens, n, d)), line('Resets', words(PERIOD)(d.period, n, d))];
		},
		names: ['modules', 'roles']
	},
	'limits.module_saved': {
		title: 'Free allowances saved',
		lines: (e, n) => [line('Module', named('modules')(e.targetId, n, {}))],
		fields: LIMIT_FIELDS,
		hide: ['name'],
		// One field per role: "Limit for Author", for every role either side names. A side that names no
		// roles (general or none) gives each what its users get: the user limit, or none.
		flatten: {
			fields: ({ roles, members, ...rest }, other) => {
				const own = obj(roles);
				const theirs = rest.limitType === 'none' ? 'none' : members;
				// "Any other role" only where a side is role-based; else the user limit is every user's (both sides decide alike).
				const user = members === undefined ? {} : rest.limitType === 'role' || other.limitType === 'role' ? { members } : { everyone: members };
				return { ...rest, ...user, ...Object.fromEntries([...new Set([...Object.keys(own), ...Object.keys(obj(other.roles))])].map((r) => [`role:${r}`, r in own ? own[r] : theirs])) };
			},
			field: (key, n) => (key.startsWith('role:') ? [`Limit for ${n.roles.get(key.slice(5)) ?? key.slice(5)}`, limit] : null)
		},
		names: ['modules', 'roles']
	},
	'limits.rollover_saved': {
		title: 'Free allowance rollover saved',
		lines: (e, n) => [line('Module', named('modules')(e.targetId, n, {}))],
		// The setting as one sentence, before and after (null: off).
		changes: (e, n) => [{ field: 'Rollover', before: rollover(e.before, n, {}), after: rollover(e.after, n, {}) }],
		names: ['modules']
	},
	'rates.feature_saved': { title: 'Feature saved', titleOf: (e) => (e.before ? 'Feature changed' : 'Feature added'), lines: subject('Feature'), fields: FEATURE_FIELDS, show: ['key', 'module'], names: ['modules'] },
	'rates.feature_removed': { title: 'Feature removed', fields: FEATURE_FIELDS, show: ['key', 'module'], names: ['modules'] },
	'rates.module_saved': {
		title: 'Module saved',
		titleOf: (e) => (e.before ? 'Module changed' : 'Module added'),
		lines: subject('Module'),
		fields: { name: ['Name', plain()], key: KEY_FIELD, limitMessage: ['Limit message', plain()], onExhausted: LIMIT_FIELDS.onExhausted!, limitType: LIMIT_FIELDS.limitType! },
		show: ['key']
	},
	'rates.module_removed': {
		title: 'Module removed',
		fields: { name: ['Name', plain()], key: KEY_FIELD, limitMessage: ['Limit message', plain()], onExhausted: LIMIT_FIELDS.onExhausted!, limitType: LIMIT_FIELDS.limitType! },
		show: ['key']
	},
	'rates.model_saved': { title: 'Model saved', titleOf: (e) => (e.before ? 'Model changed' : 'Model added'), lines: subject('Model'), fields: { name: ['Name', plain()], key: KEY_FIELD, engine: ['Engine', plain()] }, show: ['key'] },
	'rates.model_removed': { title: 'Model removed', fields: { name: ['Name', plain()], key: KEY_FIELD, engine: ['Engine', plain()] }, show: ['key'] },
	'referrals.settings_saved': {
		title: 'Referral rules saved',
		fields: {
			enabled: ['Referrals', onOff],
			referrerTokens: ['Tokens for the member who invites', tokensOr('—')],
			referredTokens: ['Tokens for the new member', tokensOr('—')],
			requirePurchase: ['Only after a first purchase', yesNo],
			expiresDays: ['Bonus expires after', (v) => text(typeof v === 'number' ? counted(v, 'day', num) : 'Never')],
			dailyLimit: ['Referrals rewarded a day, at most', plain()]
		}
	},
	'store.product_created': { title: 'Package added', fields: PRODUCT_FIELDS, names: ['models'] },
	'store.product_deleted': { title: 'Package deleted (never ordered)', fields: PRODUCT_FIELDS, names: ['models'] },
	'store.subscription_cancel_asked': { title: 'Asked to end a subscription', titleOf: () => "Asked to end a subscription at its period's end", lines: (e) => [say('Package', obj(e.detail).package)] },
	'store.subscription_keep_asked': { title: 'Asked to keep an ending subscription', lines: (e) => [say('Package', obj(e.detail).package)] },
	'store.product_updated': {
		title: 'Package changed',
		titleOf: (e) => (isObj(e.after) && Object.keys(e.after).length === 1 && 'active' in e.after ? (e.after.active ? 'Package put on sale' : 'Package taken off sale') : 'Package changed'),
		lines: (e, n) => [line('Package', named('products')(e.targetId, n, {}))],
		fields: PRODUCT_FIELDS,
		names: ['products', 'models']
	},
	'store.purchase_completed': {
		title: 'Purchase completed',
		titleOf: (e) => ({ subscription_recurring: 'Purchase completed: a subscription renewed', subscription_charge: 'Purchase completed: an auto top-up' })[String(obj(e.after).origin)] ?? 'Purchase completed',
		fields: PAYMENT_FIELDS,
		hide: PAYMENT_HIDDEN,
		names: ['products']
	},
	'store.purchase_refunded': {
		title: 'Purchase refunded',
		// Chargebacks written before they had their own action are entries of this one (audit-log.ts CHARGEBACK_AS_REFUND).
		titleOf: (e) => (obj(e.after).cause === 'chargeback' ? chargebackTitle(e) : 'Purchase refunded'),
		fields: PAYMENT_FIELDS,
		hide: PAYMENT_HIDDEN
	},
	'store.purchase_charged_back': { title: 'Purchase charged back', titleOf: chargebackTitle, fields: PAYMENT_FIELDS, hide: PAYMENT_HIDDEN },
	'store.purchase_partly_refunded': { title: 'Purchase partly refunded', fields: keptTokens('a partial refund'), hide: PAYMENT_HIDDEN },
	'store.purchase_credited': {
		title: 'Purchase credited',
		titleOf: () => "Purchase credited to the buyer's Paddle balance",
		fields: keptTokens('a credit'),
		hide: PAYMENT_HIDDEN
	},
	'store.credit_reversed': {
		title: 'Credit reversed',
		titleOf: () => "Credit to the buyer's Paddle balance reversed",
		fields: { amount_cents: ['Taken back from the buyer', price], paid_cents: PAYMENT_FIELDS.paid_cents!, transaction_id: PAYMENT_FIELDS.transaction_id!, adjustment_id: PAYMENT_FIELDS.adjustment_id! },
		hide: PAYMENT_HIDDEN
	},
	'store.chargeback_reversed': { title: 'Chargeback reversed', fields: PAYMENT_FIELDS, hide: PAYMENT_HIDDEN },
	'store.chargeback_warned': {
		title: 'Chargeback warning',
		titleOf: () => "Chargeback warning: the buyer's bank reports a dispute",
		fields: warning('None: a warning moves no money; a chargeback, if one follows, takes its tokens back'),
		hide: PAYMENT_HIDDEN
	},
	'store.chargeback_warning_withdrawn': {
		title: 'Chargeback warning withdrawn',
		titleOf: () => 'Chargeback warning withdrawn: the dispute ended without a chargeback',
		fields: warning('None: no chargeback came of the warning'),
		hide: PAYMENT_HIDDEN
	},
	'store.products_reordered': {
		title: 'Packages put in a new order',
		fields: { order: ['Order', (v, n) => text(Array.isArray(v) ? v.map((id) => n.products.get(String(id)) ?? String(id)).join(' · ') : '—')] },
		names: ['products']
	},
	'webhook_endpoint.create': { title: 'Webhook endpoint added', fields: ENDPOINT_FIELDS },
	'webhook_endpoint.update': { title: 'Webhook endpoint changed', lines: (e) => [say('Endpoint', obj(e.before).url)], fields: ENDPOINT_FIELDS },
	'webhook_endpoint.delete': { title: 'Webhook endpoint removed', fields: ENDPOINT_FIELDS },
	'webhook_endpoint.disabled': {
		title: 'Webhook endpoint turned off',
		titleOf: () => 'Webhook endpoint turned off: its deliveries kept failing',
		lines: (e) => [endpointLine(e), say('Why', obj(e.detail).reason)]
	},
	'webhook_endpoint.secret_rotated': {
		title: 'Webhook signing secret rotated',
		lines: (e, n) => {
			const d = obj(e.detail);
			return [endpointLine(e), line('Old secret also signs until', instant('—')(d.previous_secret_expires_at, n, d))];
		}
	},
	'webhook_delivery.redeliver': {
		title: 'Webhook delivery sent again',
		lines: (e) => {
			const d = obj(e.detail);
			return [say('Delivery', d.delivery_id == null ? null : String(d.delivery_id)), say('Event', d.event_id)];
		}
	},
	'webhook_delivery.retry_now': {
		title: 'Webhook delivery tried now',
		lines: (e) => {
			const d = obj(e.detail);
			return [say('Delivery', d.delivery_id == null ? null : String(d.delivery_id)), say('Event', d.event_id)];
		}
	},
	'webhook_endpoint.test_sent': {
		title: 'Webhook test event sent',
		lines: (e) => {
			const d = obj(e.detail);
			return [say('Delivery', d.delivery_id == null ? null : String(d.delivery_id)), say('Event', d.event_id)];
		}
	},
	'job.run_now': {
		title: 'Job run now',
		titleOf: (e) => `Job run now: ${jobWords[String(obj(e.detail).name)]?.name ?? String(obj(e.detail).name)}`,
		lines: (e) => [say('Job', obj(e.detail).name), say('Key', obj(e.detail).key)]
	}
};

/**
 * What the words of these entries need looked up: the site's lists they name things from, and the
 * users and teams they name by id (a cap's member, a campaign's team, an allowance's team or member).
 */
export function namesNeeded(entries: AuditEntryFacts[]): { lists: Set<NameList>; ids: Set<string> } {
	const lists = new Set<NameList>();
	const ids = new Set<string>();
	for (const e of entries) {
		for (const l of specOf(e.action)?.names ?? []) lists.add(l);
		const d = obj(e.detail);
		for (const id of [d.memberUserId, d.teamId, d.userId]) if (typeof id === 'string') ids.add(id);
	}
	return { lists, ids };
}

/** Whether this release has words of its own for `action` (an older or newer release may have written others). */
export const hasWords = (action: string): action is AuditAction => Object.hasOwn(WORDS, action);
const specOf = (action: string): Spec | undefined => (hasWords(action) ? WORDS[action] : undefined);
const unknown = (action: string): Spec => ({ title: humanize(action.replaceAll('.', ' ')) });

/** The words of an action alone, for the log's filter: "Signed in", "Bonus granted". */
export const auditTitle = (action: string): string => (specOf(action) ?? unknown(action)).title;

/**
 * One entry in words: its title, its lines and its changes, named. A new thing (no before) or one
 * removed (no after) lists its fields as lines; a change lists the fields that differ. An action
 * this code does not know (an older or newer release wrote it) still reads as words.
 */
export function auditWords(e: AuditEntryFacts, names: AuditNames): AuditWords {
	const spec = specOf(e.action) ?? unknown(e.action);
	const lines = (spec.lines?.(e, names) ?? []).filter((l): l is AuditLine => l !== null);
	const flat = (v: unknown, other?: unknown): Obj | null => (isObj(v) ? (spec.flatten?.fields(v, obj(other)) ?? v) : null);
	const field = (k: string): Field => spec.fields?.[k] ?? spec.flatten?.field(k, names) ?? [humanize(k), plain()];
	const shown = (k: string, o: Obj) => (!HIDDEN.has(k) || !!spec.show?.includes(k)) && !spec.hide?.includes(k) && o[k] !== undefined;
	// The fields a table names first, in its order; others after.
	const fieldOrder = Object.keys(spec.fields ?? {});
	const rank = (k: string) => fieldOrder.indexOf(k) + 1 || fieldOrder.length + 1;
	const order = (o: Obj) => Object.keys(o).sort((a, b) => rank(a) - rank(b));
	/** Each field of `o` as a line, but those with nothing to say ("—"). */
	const asLines = (o: Obj) =>
		order(o)
			.filter((k) => shown(k, o) && o[k] !== '')
			.map((k) => ({ label: field(k)[0], value: field(k)[1](o[k], names, o) }))
			.filter((l) => !('text' in l.value && l.value.text === '—'));
	const [before, after] = [flat(e.before, e.after), flat(e.after, e.before)];
	let changes: AuditChange[] = [];
	if (spec.changes) changes = spec.changes(e, names);
	else if (before && after) {
		const both = { ...before, ...after };
		changes = order(both)
			.filter((k) => shown(k, both) && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
			.map((k) => {
				const [label, format] = field(k);
				return { field: label, before: format(before[k], names, before), after: format(after[k], names, after) };
			});
		// Saved as it was (an entry of before such saves stopped being recorded): what was asked, so the entry still says something.
		const asked = flat(e.detail);
		if (!changes.length && asked) lines.push({ label: 'Changed', value: text('Nothing: saved as it was') }, ...asLines(asked));
	} else lines.push(...asLines(after ?? before ?? {}));
	return { title: spec.titleOf?.(e) ?? spec.title, lines, changes };
}

/**
 * Where a person did an entry's action, as the words after their name say: a site admin in the
 * console, or a user on their account (their own, or a team pool they are in). Words of a place, not
 * a role's name: "Ada Admin (admin@…) User" on her sign-in and "… Admin" on her console actions read
 * as two roles of one person.
 */
export type ActorBadge = 'in the console' | 'on their account';

const BADGES: Partial<Record<ActorKind, ActorBadge>> = { admin: 'in the console', user: 'on their account' };

/**
 * The words beside an entry's actor (accounts/audit.ts `actorKind`, written with it): where a person
 * acted. None for an API key or Quota itself, whose words in the log already say what they were
 * ("The API key “Billing” (qk_3gybdbLS…)", "Quota (demo data)": a badge repeated them, "An API key API key"), nor for someone
 * not signed in.
 */
export const actorBadge = (kind: string | null): ActorBadge | null => BADGES[kind as ActorKind] ?? null;
