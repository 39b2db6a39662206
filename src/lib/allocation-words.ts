// What the dashboard's Balance and Active allocations cards say under their figures, true of the
// allocations shown. Worded with the figures by the server (the dashboard's answer), as the cap line
// under them is: the dashboard's start JavaScript has no room for it. Each fits a card's line on a
// 390 px phone as "excl. free allowances" does (the card cuts a longer one short).
import { counted } from './counted';
import { GENERAL_BALANCE } from './model-words';

/**
 * The sub-labels of an account's allocations (one per model scope; `model` null is the general balance):
 * `balance`, what the balance leaves out, or which tokens are unlimited on top of it ("excl. free
 * allowances", "+ 1 unlimited model", "all models unlimited" when the general balance is);
 * `allocations`, what they are ("2 models + general", "general balance only", "1 model only", "no
 * tokens in lots").
 */
export function allocationWords(allocations: readonly { model: string | null; unlimited: boolean }[]): { balance: string; allocations: string } {
	const general = allocations.find((a) => a.model === null);
	const models = allocations.length - (general ? 1 : 0);
	const unlimited = allocations.filter((a) => a.model !== null && a.unlimited).length;
	return {
		balance: general?.unlimited ? 'all models unlimited' : unlimited ? `+ ${counted(unlimited, 'unlimited model', String)}` : 'excl. free allowances',
		allocations: models ? `${counted(models, 'model', String)} ${general ? '+ general' : 'only'}` : general ? `${GENERAL_BALANCE.toLowerCase()} only` : 'no tokens in lots'
	};
}
