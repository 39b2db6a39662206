// What paid a use (the usage history's sheet, the playground's preview), in the names the app shows.
// Apart from lots.ts: the dashboard's start (which loads lots.ts) never shows it.
import type { LotSource, PaidBy } from '$lib/server/ledger/types';
import { sourceLabel } from './lots';
import { GENERAL_BALANCE } from '../model-words';
import { figure } from '../counted';

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
 * What paid (part of) a use, by the names the app shows: "Free allowance · Chatbot"; a lot as the
 * dashboard's allocations name it, its model (or the general balance) then its source: "General
 * balance · Added by an admin", "GPT-5 Nano · Purchased". The ledger names a module and a lot's
 * source by their keys.
 */
export function paidByLabel(p: PaidBy, names: CatalogNames): string {
	if (p.type === 'lot') return `${p.model ? names.model(p.model) : GENERAL_BALANCE} · ${sourceLabel(p.label as LotSource) ?? p.label}`;
	const what = `Free allowance · ${names.module(p.label)}`;
	return p.model ? `${what} · ${names.model(p.model)}` : what;
}

/**
 * What a settled hold cost, in DESIGN.md's words (a hold reserves tokens for a running operation, is
 * settled with the real amount and the rest released): "Settled from a hold of 2,000: 777 charged,
 * 1,223 released". Its cost is the tokens settled, not units × rate, so the sheet says this instead.
 */
export function settledWords(hold: { held: number; released: number }, charged: number): string {
	if (!charged) return `Settled at 0 from a hold of ${figure(hold.held)}: all of it released, nothing charged`;
	return `Settled from a hold of ${figure(hold.held)}: ${figure(charged)} charged, ${figure(hold.released)} released`;
}

/**
 * What a use of the usage history used, as its Used cell says it: the tokens, or, for a hold settled
 * at 0 (a release in effect, still an operation that Reports and the console count), "Released —
 * nothing charged" rather than a bare 0.
 */
export function usedWords(row: { hold: { held: number } | null; tokensUsed: number }): string {
	return row.hold && !row.tokensUsed ? 'Released — nothing charged' : figure(row.tokensUsed);
}
