// The Rates and models page's changes (features, modules, models), each with its audit entry.
import type { Db } from '../db';
import { DomainError } from '../errors';
import type { Executor } from '../db/client';
import { findFeature, findModel, findModule, listModels, listModules, removeFeature as removeUnusedFeature, removeModule as removeUnusedModule, upsertFeature, upsertModel, upsertModule } from '../ledger';
import type { AuditAction } from '../accounts';
import { auditedChange, auditedSave, type Saved, type SetupActor } from './audited';

/**
 * Saves one keyed thing (feature, module, model) with an audit entry `action` on `targetType`
 * `input.key`: what was asked (detail), what it was before (`read`, null when new) and what it is after;
 * an edit that leaves it as it was records nothing (`changed` false).
 * `create` true (the console's "New" and "Add"): a key that is taken is `conflict`, said under the key,
 * never saved over what has it (the live rate of another feature, say); false (the console's edit):
 * a key that is not there is `not_found`, never made by an edit; left out (the demo seed): either.
 */
const savedByKey =
	<T extends { key: string; name?: string }, R extends { name: string }>(
		action: AuditAction,
		targetType: string,
		save: (tx: Executor, input: T) => Promise<void>,
		read: (tx: Executor, key: string) => Promise<R | null>,
		/** The others of its kind, when each must have a name of its own (`conflict` under the name, any letter case). */
		others?: (tx: Executor) => Promise<{ key: string; name: string }[]>
	) =>
	(db: Db, actor: SetupActor, input: T, create?: boolean): Promise<Saved<R | null>> =>
		auditedSave(db, actor, { action, targetType, targetId: input.key, detail: input, before: (tx) => read(tx, input.key) }, async (tx, before) => {
			const taken = create ? (before as R | null) : null;
			if (create === false && !before) {
				const words = `There is no ${targetType} “${input.key}” to change: it may have been removed; add it as a new one.`;
				throw new DomainError('not_found', words, { fieldErrors: { key: [words] } });
			}
			if (taken) {
				const words = `The key “${input.key}” is already the ${targetType} “${taken.name}”: choose another key, or edit that ${targetType} in the list.`;
				throw new DomainError('conflict', words, { fieldErrors: { key: [words] } });
			}
			const name = input.name?.trim().toLowerCase();
			const namesake = others && name ? (await others(tx)).find((o) => o.key !== input.key && o.name.trim().toLowerCase() === name) : undefined;
			if (namesake) {
				const words = `Another ${targetType} is already called “${namesake.name}” (key “${namesake.key}”): give this one another name, as pages list ${targetType}s by name.`;
				throw new DomainError('conflict', words, { fieldErrors: { name: [words] } });
			}
			await save(tx, input);
			return read(tx, input.key);
		});

/**
 * Creates or changes a feature (rate, unit, fixed-cost breakdown, enabled), audited
 * `rates.feature_saved` on `feature` key with before and after (the feature as stored, its rate a
 * number). Returns it as saved. Errors: invalid_input (rate, breakdown), unknown_module.
 */
export const saveFeature = savedByKey('rates.feature_saved', 'feature', upsertFeature, findFeature);

/**
 * Removes a feature nothing refers to (ledger removeFeature: no operation, hold or day of use names
 * it), audited `rates.feature_removed` on `feature` key with the feature as it was (before) and null
 * (after). Returns null. Errors: unknown_feature, conflict (in use: the words say how, and to disable it instead).
 */
export const removeFeature = (db: Db, actor: SetupActor, key: string): Promise<null> =>
	auditedChange(db, actor, { action: 'rates.feature_removed', targetType: 'feature', targetId: key, detail: { key }, before: (tx) => findFeature(tx, key) }, async (tx) => {
		await removeUnusedFeature(tx, key);
		return null;
	});

/**
 * Creates or changes a module (name, limit message, what happens when exhausted), audited `rates.module_saved` on `module` key with before and after.
 * Errors: `conflict` for a name another module has (any letter case): Limits lists modules by name.
 */
export const saveModule = savedByKey('rates.module_saved', 'module', upsertModule, findModule, listModules);

/**
 * Removes a module nothing refers to (ledger removeModule: no feature in it, its free allowance never
 * used), with its allowance rules, audited `rates.module_removed` on `module` key with the module as it
 * was (before) and null (after). Returns null. Errors: unknown_module, conflict (the words say what names it).
 */
export const removeModule = (db: Db, actor: SetupActor, key: string): Promise<null> =>
	auditedChange(db, actor, { action: 'rates.module_removed', targetType: 'module', targetId: key, detail: { key }, before: (tx) => findModule(tx, key) }, async (tx) => {
		await removeUnusedModule(tx, key);
		return null;
	});

/** Creates or changes a model (name, engine), audited `rates.model_saved` on `model` key with before and after. Errors: `conflict` for a name another model has (any letter case): every picker lists models by name. */
export const saveModel = savedByKey('rates.model_saved', 'model', upsertModel, findModel, listModels);
