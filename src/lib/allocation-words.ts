// What the dashboard's Available and Active allocations cards say under their figures, true of the
// allocations shown. Worded with the figures by the server (the dashboard's answer), as the cap line
// under them is: the dashboard's start JavaScript has no room for it. Each fits a card's line on a
// 390 px phone (the card cuts a longer one short). Unlimited use is said as GET /api/v1/balance says it
// (`unlimitedUse`): beside what the account can spend, never beside the balance alone, so "Available
// 14,455" and "all models unlimited" are not read as two answers to one question.
import { counted } from './counted';
import { GENERAL_BALANCE } from './model-words';

type Allocation = { model: string | null; unlimited: boolean };

/**
 * What an account's unlimited lots make unlimited, in GET /api/v1/balance's terms: `unlimited`, every
 * model's use (an unlimited lot with no model in force); `unlimitedModels`, the models whose use an
 * unlimited lot for that model alone makes unlimited (model keys, in the allocations' order).
 */
export function unlimitedUse(allocations: readonly Allocation[]): { unlimited: boolean; unlimitedModels: string[] } {
	return {
		unlimited: allocations.some((a) => a.model === null && a.unlimited),
		unlimitedModels: allocations.flatMap((a) => (a.model !== null && a.unlimited ? [a.model] : []))
	};
}

/** `unlimitedUse` in the APIs' names: GET /api/v1/balance's `unlimited` and `unlimited_models`, as the widget's figures and a webhook's `balance_after` say them too. */
export function unlimitedBody(allocations: readonly Allocation[]): { unlimited: boolean; unlimited_models: string[] } {
	const use = unlimitedUse(allocations);
	return { unlimited: use.unlimited, unlimited_models: use.unlimitedModels };
}

/**
 * The cards' sub-labels of an account's allocations (one per model scope; `model` null is the general
 * balance, `name` the model's as pages say it): `allocations`, what they are ("2 models + general",
 * "general balance only", "1 model only", "no tokens in lots"); `unlimited`, what Available leaves
 * out ("all models unlimited": the card's figure is then "Unlimited"; "+ 1 unlimited model"), null with
 * no unlimited use; `unlimitedMeaning`, the same with the models named, for the figures' meaning ('' with none).
 */
export function allocationWords(allocations: readonly (Allocation & { name?: string })[]): { allocations: string; unlimited: string | null; unlimitedMeaning: string } {
	const general = allocations.find((a) => a.model === null);
	const models = allocations.length - (general ? 1 : 0);
	const use = unlimitedUse(allocations);
	const named = allocations.filter((a) => a.model !== null && a.unlimited).map((a) => a.name ?? a.model!);
	return {
		allocations: models ? `${counted(models, 'model', String)} ${general ? '+ general' : 'only'}` : general ? `${GENERAL_BALANCE.toLowerCase()} only` : 'no tokens in lots',
		unlimited: use.unlimited ? 'all models unlimited' : named.length ? `+ ${counted(named.length, 'unlimited model', String)}` : null,
		unlimitedMeaning: use.unlimited
			? 'Unlimited: no use of any model takes tokens while it lasts; the balance is what is left for after it.'
			: named.length
				? `Unlimited: ${new Intl.ListFormat('en').format(named)}, whose use takes no tokens while it lasts; Available counts what every other model can spend.`
				: ''
	};
}
