// The caps a member set on their own account, as Settings edits them: one period's form open at a
// time, the typed cap read as the server takes it, and what came of a save said under it.
import { readTokenAmount } from './amount';
import { errorMessage } from './errors';
import { counted } from '../counted';
import { Said } from './said.svelte';
import { MAX_TOKENS } from '../token-range';
import type { Outputs } from './api-types';

export type OwnCap = Outputs['settings']['ownCaps'][number];
export type OwnCapPeriod = OwnCap['period'];
/** Sets (tokens) or removes (null) one cap; answers the member's caps after. */
export type SaveOwnCap = (period: OwnCapPeriod, limitTokens: number | null) => Promise<OwnCap[]>;

export const PERIOD_NAME: Record<OwnCapPeriod, string> = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly' };
export const PERIOD_NOW: Record<OwnCapPeriod, string> = { daily: 'today', weekly: 'this week', monthly: 'this month' };

export class OwnCapsEditor {
	/** null until the server has answered. */
	caps = $state<OwnCap[] | null>(null);
	/** The period whose form is open (a new cap's, or one to change). */
	editing = $state<OwnCapPeriod | null>(null);
	text = $state('');
	#error = $state<string | null>(null);
	busy = $state(false);
	/** What the last save or removal came to, until another action on the page starts (said.svelte.ts). */
	readonly #said = new Said();

	/** What is wrong with the cap typed, or the server's refusal: said beside the field until another action on the page starts. */
	get error(): string | null {
		return this.#said.current ? this.#error : null;
	}

	set error(e: string | null) {
		this.#error = e;
	}

	get message() {
		return this.#said.message;
	}

	constructor(private readonly save: SaveOwnCap) {}

	/** Periods without a cap of the member's own (a new one can be set for these). */
	get free(): OwnCapPeriod[] {
		return (['daily', 'weekly', 'monthly'] as const).filter((p) => !this.caps?.some((c) => c.period === p));
	}

	edit(period: OwnCapPeriod) {
		const cap = this.caps?.find((c) => c.period === period);
		this.editing = period;
		this.text = cap ? String(cap.limitTokens) : '';
		this.error = null;
		this.#said.start();
	}

	cancel() {
		this.editing = null;
		this.error = null;
	}

	/** Saves the open form's cap; false when the typed cap is refused (the field says why). */
	async submit(): Promise<boolean> {
		const period = this.editing;
		if (!period) return false;
		this.#said.start();
		const typed = readTokenAmount(this.text, { min: 0, max: MAX_TOKENS, what: 'A cap', rule: 'Type a whole number of tokens, 0 or more.' });
		if (!typed.ok) {
			this.error = typed.error;
			return false;
		}
		const done = await this.run(period, typed.value, `${PERIOD_NAME[period]} cap set to ${counted(typed.value, 'token')}.`);
		if (done) this.editing = null;
		return done;
	}

	remove(period: OwnCapPeriod): Promise<boolean> {
		return this.run(period, null, `${PERIOD_NAME[period]} cap removed.`);
	}

	private async run(period: OwnCapPeriod, limitTokens: number | null, said: string): Promise<boolean> {
		this.busy = true;
		this.#said.start();
		try {
			this.caps = await this.save(period, limitTokens);
			this.#said.message = { kind: 'ok', text: said };
			return true;
		} catch (err) {
			if (this.editing === period) this.error = errorMessage(err);
			else this.#said.message = { kind: 'empty', text: errorMessage(err) };
			return false;
		} finally {
			this.busy = false;
		}
	}
}
