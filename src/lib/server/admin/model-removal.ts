// Removing a model added by mistake (Rates' Models list): only while nothing names it, as features and
// modules; the ledger's lots and uses, the catalog's packages and the event bonuses each keep it.
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import type { Executor } from '../db/client';
import { campaigns } from '../db/schema';
import { DomainError } from '../errors';
import { deleteModel, findModel, modelLedgerReferences } from '../ledger';
import { listProducts } from '../store';
import { counted } from '../../counted';
import { auditedChange, type SetupActor } from './audited';

/** What names a model: its lots, whether it was used, the packages that sell it, the event bonuses that granted it. */
interface ModelReferences {
	name: string;
	lots: number;
	used: boolean;
	packages: string[];
	campaigns: number;
}

const modelGone = (key: string) => new DomainError('unknown_model', `No model has the key “${key}”: another admin may have removed it.`);

async function modelReferences(exec: Executor, key: string, lock = false): Promise<ModelReferences> {
	const ledger = await modelLedgerReferences(exec, key, { lock });
	if (!ledger) throw modelGone(key);
	const [sold, granted] = await Promise.all([listProducts(exec, { activeOnly: false }), exec.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.model, key))]);
	const packages = sold.filter((p) => p.grants.some((g) => g.model === key)).map((p) => p.name);
	return { ...ledger, packages, campaigns: granted.length };
}

/** Why a model named by `refs` stays, in words ("“GPT-5 nano” stays: 3 lots are for it, it was used and the package “Starter bundle” sells it."), or null. */
function modelKeptWords(refs: ModelReferences): string | null {
	const why = [
		refs.lots ? `${counted(refs.lots, 'lot')} ${refs.lots === 1 ? 'is' : 'are'} for it` : null,
		refs.used ? 'it was used' : null,
		refs.packages.length ? `${refs.packages.length === 1 ? 'the package' : 'the packages'} ${refs.packages.map((n) => `“${n}”`).join(', ')} ${refs.packages.length === 1 ? 'sells' : 'sell'} it` : null,
		refs.campaigns ? (refs.campaigns === 1 ? 'an event bonus granted it' : `${refs.campaigns} event bonuses granted it`) : null
	].filter((w): w is string => w !== null);
	if (!why.length) return null;
	const list = why.length === 1 ? why[0] : `${why.slice(0, -1).join(', ')} and ${why.at(-1)}`;
	return `“${refs.name}” stays: ${list}. Only a model nothing names can be removed; its name and engine can still change.`;
}

/** Why model `key` would stay if removed now (modelKeptWords), or null when its removal would go through: asked when Remove… is pressed. Errors: unknown_model. */
export async function modelKept(exec: Executor, key: string): Promise<string | null> {
	return modelKeptWords(await modelReferences(exec, key));
}

/**
 * Removes a model nothing names (no lot for it, no use of it, no package selling it, no event bonus
 * granting it: one added by mistake), audited `rates.model_removed` on `model` key with the model as it
 * was (before) and null (after). Its row is locked first, so a lot granted for it meanwhile is counted.
 * Returns null. Errors: unknown_model, conflict (modelKeptWords).
 */
export const removeModel = (db: Db, actor: SetupActor, key: string): Promise<null> =>
	auditedChange(db, actor, { action: 'rates.model_removed', targetType: 'model', targetId: key, detail: { key }, before: (tx) => findModel(tx, key) }, async (tx) => {
		const refs = await modelReferences(tx, key, true);
		const kept = modelKeptWords(refs);
		if (kept) throw new DomainError('conflict', kept, { lots: refs.lots, used: refs.used, packages: refs.packages, campaigns: refs.campaigns });
		await deleteModel(tx, key);
		return null;
	});
