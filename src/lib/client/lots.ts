import type { LotSource, PaidBy } from '$lib/server/ledger/types';

const SOURCE: Record<LotSource, string> = {
	purchase: 'Purchased',
	subscription: 'Subscription',
	bonus: 'Bonus',
	referral: 'Referral bonus',
	event: 'Event bonus',
	admin: 'Added by an admin',
	'refund-reversal': 'Chargeback reversed',
	rollover: 'Rolled over'
};

/** Where tokens came from, in words: "Referral bonus: Invited Leo", "Monthly plan", "Purchased". */
export function lotLabel(source: LotSource | null, note: string | null): string {
	if (!source) return note ?? 'Tokens';
	if (source === 'subscription' && note) return note;
	return note && source !== 'purchase' ? `${SOURCE[source]}: ${note}` : SOURCE[source];
}

/** A model's and a module's name by key (the key itself until the catalog is known, or for one it no longer lists). */
export interface CatalogNames {
	model(key: string): string;
	module(key: string): string;
}

/** The names of the catalog's models and modules (ledger.catalog). */
export function catalogNames(catalog: { models: { key: string; name: string }[]; modules: { key: string; name: string }[] } | null | undefined): CatalogNames {
	const models = new Map((catalog?.models ?? []).map((m) => [m.key, m.name]));
	const modules = new Map((catalog?.modules ?? []).map((m) => [m.key, m.name]));
	return { model: (key) => models.get(key) ?? key, module: (key) => modules.get(key) ?? key };
}

/**
 * What paid (part of) a use, by the names the app shows: "Free allowance · Chatbot", "Tokens ·
 * Purchased · GPT-5 Nano". The ledger names a module and a lot's source by their keys.
 */
export function paidByLabel(p: PaidBy, names: CatalogNames): string {
	const what = p.type === 'allowance' ? `Free allowance · ${names.module(p.label)}` : `Tokens · ${p.label in SOURCE ? SOURCE[p.label as LotSource] : p.label}`;
	return p.model ? `${what} · ${names.model(p.model)}` : what;
}

/** The source alone ("Subscription", "Bonus", …), for a line that shows the note apart. */
export function sourceLabel(source: LotSource): string {
	return SOURCE[source];
}

/**
 * Why a lot that is no longer spendable ended, in words for its line: "none left" once its tokens are
 * spent or taken back (a refund), else "expired" (a lot ends only these two ways: ledger `LotRow.active`).
 */
export function lotEnd(lot: { remaining: number; unlimited: boolean }): 'none left' | 'expired' {
	return !lot.unlimited && lot.remaining === 0 ? 'none left' : 'expired';
}
