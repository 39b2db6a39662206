// Metering for the Vercel AI SDK (`ai` 6): hold before the model is called, settle what it used.
import { generateText, streamText } from 'ai';
import type { Hold, HoldRequest, Quota, SettleResult, Target } from './client.js';
import { withHold } from './hold.js';

/** The output limit held for when the call names no `maxOutputTokens`. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 1024;
/** The estimate's rule: one model token per 4 characters, rounded up (English text averages ~4). */
export const CHARS_PER_TOKEN = 4;

/** Model tokens of a call (the provider's figures, or estimates where it gave none). */
export interface ModelTokens {
	inputTokens: number;
	outputTokens: number;
}

/** Which account pays, for which feature (and model key), and how model tokens become the feature's units. */
export interface Meter extends Target {
	feature: string;
	/** Quota's model key, for per-model allocations. */
	model?: string | null;
	/** Seconds the hold lives if the process dies before settling (default 300). */
	ttlSeconds?: number;
	/** The feature's units for these model tokens; default: input + output tokens (a feature priced per model token). */
	units?: (used: ModelTokens) => number;
}

type StreamParams = Parameters<typeof streamText>[0];
type GenerateParams = Parameters<typeof generateText>[0];

/** Tokens of a text by the estimate's rule. */
export const estimateTokens = (text: string) => Math.ceil(text.length / CHARS_PER_TOKEN);

/** The prompt's estimated input tokens: system, prompt and messages as JSON, by the estimate's rule. */
function inputEstimate(params: { system?: unknown; prompt?: unknown; messages?: unknown }): number {
	return estimateTokens(JSON.stringify([params.system ?? null, params.prompt ?? null, params.messages ?? null]));
}

/** What these model tokens cost in Quota tokens, priced by Quota itself (`check`, which changes nothing). */
async function price(quota: Quota, meter: Meter, used: ModelTokens): Promise<number> {
	const units = Math.ceil((meter.units ?? ((u) => u.inputTokens + u.outputTokens))(used));
	if (units <= 0) return 0;
	const { feature, model, user, team, guest } = meter;
	return (await quota.check({ user, team, guest, feature, model, units })).cost;
}

/** A hold of what `outputTokens` (the call's maxOutputTokens or the default) plus the prompt's estimated input may cost. */
async function holdRequest(quota: Quota, meter: Meter, inputTokens: number, outputTokens: number): Promise<HoldRequest> {
	const { feature, model, user, team, guest, ttlSeconds } = meter;
	const most = await price(quota, meter, { inputTokens, outputTokens });
	return { user, team, guest, feature, model, max_tokens: Math.max(1, most), ttl_seconds: ttlSeconds };
}

/**
 * `streamText` metered by Quota. Before the model is called: a hold of what `maxOutputTokens` (or
 * `DEFAULT_MAX_OUTPUT_TOKENS`) plus the prompt's estimated input may cost; a refusal throws
 * `LimitReached` (with the end-user message) and the model is not called. When the stream:
 * - finishes: settles the provider's reported `totalUsage` (estimates for any figure it left out);
 * - is aborted (no usage is reported): settles an estimate, the prompt's estimate plus the text
 *   streamed so far at `CHARS_PER_TOKEN` characters a token;
 * - fails: settles that estimate when text was streamed, else releases the hold.
 * Settling never charges more than was held. `settled` resolves with the settle (or release)
 * answer; the caller's own callbacks still run.
 */
export async function meteredStreamText(
	quota: Quota,
	meter: Meter,
	params: StreamParams
): Promise<{ result: ReturnType<typeof streamText>; hold: Hold; settled: Promise<SettleResult> }> {
	const maxOutputTokens = params.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
	const input = inputEstimate(params);
	const hold = await quota.hold(await holdRequest(quota, meter, input, maxOutputTokens));
	let streamed = '';
	let close: ((how: Promise<SettleResult>) => void) | null = null;
	const settled = new Promise<SettleResult>((resolve, reject) => {
		close = (how) => {
			close = null;
			how.then(resolve, reject);
		};
	});
	const settle = (used: ModelTokens) => close?.(price(quota, meter, used).then((cost) => quota.settle(hold.hold_id, Math.min(hold.held, cost))));
	const estimate = () => ({ inputTokens: input, outputTokens: estimateTokens(streamed) });
	try {
		const result = streamText({
			...params,
			maxOutputTokens,
			onChunk: (event) => {
				if (event.chunk.type === 'text-delta') streamed += event.chunk.text;
				return params.onChunk?.(event);
			},
			onFinish: (event) => {
				const usage = event.totalUsage;
				settle({ inputTokens: usage.inputTokens ?? input, outputTokens: usage.outputTokens ?? estimateTokens(event.text) });
				return params.onFinish?.(event);
			},
			onAbort: (event) => {
				settle(estimate());
				return params.onAbort?.(event);
			},
			onError: (event) => {
				if (streamed) settle(estimate());
				else close?.(quota.release(hold.hold_id));
				return params.onError?.(event);
			}
		});
		return { result, hold, settled };
	} catch (e) {
		await quota.release(hold.hold_id).catch(() => {});
		throw e;
	}
}

/**
 * `generateText` metered by Quota (see `withHold`): holds as `meteredStreamText` does, settles the
 * provider's `totalUsage`; when the call fails or is aborted (no text reaches the caller) the hold
 * is released.
 */
export async function meteredGenerateText(
	quota: Quota,
	meter: Meter,
	params: GenerateParams
): Promise<{ result: Awaited<ReturnType<typeof generateText>>; hold: Hold; settled: SettleResult }> {
	const maxOutputTokens = params.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
	const input = inputEstimate(params);
	const { value, hold, settled } = await withHold(quota, await holdRequest(quota, meter, input, maxOutputTokens), async () => {
		const result = await generateText({ ...params, maxOutputTokens });
		const usage = result.totalUsage;
		const tokens = await price(quota, meter, { inputTokens: usage.inputTokens ?? input, outputTokens: usage.outputTokens ?? estimateTokens(result.text) });
		return { tokens, value: result };
	}, { signal: params.abortSignal });
	return { result: value, hold, settled };
}
