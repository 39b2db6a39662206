import { describe, expect, it } from 'vitest';
import { nextRunLine, runOutcome } from '../../src/lib/client/run-outcome';
import { figure } from '../../src/lib/counted';

// The playground's line under Run. A run refused on a stale price (tokens spent elsewhere, a limit
// lowered since the preview) was said twice: here and in the reloaded cost card, in the same words.
const refusal = 'This costs 65 tokens, more than the 40 spendable on this feature and model.';
const refused = { result: null, error: refusal, current: true };

describe('what a playground run came to', () => {
	it('says a refusal once: not under Run when the reloaded cost card is refused and says why', () => {
		expect(runOutcome({ ...refused, settling: false }, { allowed: false }, 'gpt-5-nano')).toBeNull();
	});

	it('says nothing while the figures reload after a refusal (no line that shows and goes)', () => {
		expect(runOutcome({ ...refused, settling: true }, { allowed: true }, 'gpt-5-nano')).toBeNull();
	});

	it('says a failure the cost card does not show: offline (no preview), or a preview that allows it again', () => {
		expect(runOutcome({ ...refused, settling: false }, null, 'gpt-5-nano')).toEqual({ kind: 'empty', text: refusal });
		expect(runOutcome({ ...refused, settling: false }, { allowed: true }, 'gpt-5-nano')).toEqual({ kind: 'empty', text: refusal });
	});

	it('says what a run spent and what is still spendable, at once, with one token as one', () => {
		const done = { error: null, current: true, settling: true };
		expect(runOutcome({ ...done, result: { cost: 65, remaining: 1_935 } }, { allowed: true }, 'gpt-5-nano')).toEqual({
			kind: 'ok',
			text: `Done: 65 tokens spent; ${figure(1_935)} still spendable on this feature and model.`
		});
		expect(runOutcome({ ...done, result: { cost: 1, remaining: null } }, { allowed: true }, 'gpt-5-nano')!.text).toBe('Done: 1 token spent.');
		// A run on no model names none, as its refusal does ("… spendable on this feature.").
		expect(runOutcome({ ...done, result: { cost: 65, remaining: 1_935 } }, { allowed: true }, null)!.text).toBe(`Done: 65 tokens spent; ${figure(1_935)} still spendable on this feature.`);
		expect(nextRunLine({ level: 'low', remainingAfter: 1_200 }, true, figure, null).after).toBe(`${figure(1_200)} spendable on this feature after running it again`);
	});

	it('on a team pool says what the member can still spend as on a personal account (the server counts their cap in it)', () => {
		const done = { error: null, current: true, settling: false };
		expect(runOutcome({ ...done, result: { cost: 250, remaining: 4_365 } }, { allowed: true }, 'gpt-5-nano')!.text).toBe(
			`Done: 250 tokens spent; ${figure(4_365)} still spendable on this feature and model.`
		);
	});

	it('says nothing once the operation, number or model is no longer the one that ran', () => {
		expect(runOutcome({ result: { cost: 65, remaining: null }, error: null, current: false, settling: false }, { allowed: true }, 'gpt-5-nano')).toBeNull();
		expect(runOutcome({ ...refused, current: false, settling: false }, null, 'gpt-5-nano')).toBeNull();
	});
});

describe("the cost card's line for a run it allows", () => {
	const tokens = (n: number) => figure(n);
	it('a run that spends the last tokens is allowed, and says so: not "No tokens left" beside a Run that works', () => {
		expect(nextRunLine({ level: 'empty', remainingAfter: 0 }, false, tokens, 'gpt-5-nano')).toEqual({ heading: 'Enough for this run', after: '0 spendable on this feature and model after it' });
		expect(nextRunLine({ level: 'empty', remainingAfter: 0 }, true, tokens, 'gpt-5-nano')).toEqual({ heading: 'Enough for one more run', after: '0 spendable on this feature and model after running it again' });
	});

	it('otherwise names the level and what the run would leave (nothing for unlimited)', () => {
		expect(nextRunLine({ level: 'low', remainingAfter: 1_200 }, false, tokens, 'gpt-5-nano')).toEqual({ heading: 'Running low', after: `${figure(1_200)} spendable on this feature and model after it` });
		expect(nextRunLine({ level: 'ok', remainingAfter: null }, true, tokens, 'gpt-5-nano')).toEqual({ heading: 'Enough tokens', after: null });
	});
});
