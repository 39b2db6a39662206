import { asc } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { features, models } from '../db/schema';
import { DomainError } from '../errors';
import { nearestKey } from '../input-words';

/*
 * A feature or model key the ledger does not know, worded so the caller can fix it: the known key
 * one slip away ("did you mean 'ai_bots'?") and where the keys are. The SQL refuses the key
 * (`unknown_feature`, `unknown_model`); these words replace its bare "Unknown feature 'ai_bot'.".
 */

const quoted = (key: string) => `'${key.replace(/'/g, "''")}'`;
/** A list of models said in full up to this many; more, and the message names this many. */
const MODELS_SAID = 12;

/** "Unknown feature 'ai_bot': did you mean 'ai_bots'? GET /api/v1/feature-rates lists the feature keys." */
export async function unknownFeatureWords(exec: Executor, sent: string): Promise<string> {
	const known = (await exec.select({ key: features.key }).from(features)).map((f) => f.key);
	const near = nearestKey(sent, known);
	return `Unknown feature ${quoted(sent)}${near === undefined ? '.' : `: did you mean ${quoted(near)}?`} GET /api/v1/feature-rates lists the feature keys.`;
}

/** "Unknown model 'gpt5': did you mean 'gpt-5'? The models are 'gpt-5', 'gpt-5-nano'; or leave model out." */
export async function unknownModelWords(exec: Executor, sent: string): Promise<string> {
	const known = (await exec.select({ key: models.key }).from(models).orderBy(asc(models.key))).map((m) => m.key);
	const near = nearestKey(sent, known);
	const list = known.length > MODELS_SAID ? `${known.slice(0, MODELS_SAID).map(quoted).join(', ')} and ${known.length - MODELS_SAID} more` : known.map(quoted).join(', ');
	const models_ = known.length === 0 ? 'There are no models: leave model out.' : `The models are ${list}; or leave model out.`;
	return `Unknown model ${quoted(sent)}${near === undefined ? '.' : `: did you mean ${quoted(near)}?`} ${models_}`;
}

/**
 * Runs a ledger call that names a feature or a model, its `unknown_feature` or `unknown_model`
 * refusal worded with the nearest known key and where the keys are (the same code, a better message).
 */
export async function namingKnownKeys<T>(exec: Executor, sent: { feature?: string; model?: string | null }, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (e) {
		if (e instanceof DomainError && e.code === 'unknown_feature' && sent.feature !== undefined) throw new DomainError(e.code, await unknownFeatureWords(exec, sent.feature));
		if (e instanceof DomainError && e.code === 'unknown_model' && sent.model) throw new DomainError(e.code, await unknownModelWords(exec, sent.model));
		throw e;
	}
}
