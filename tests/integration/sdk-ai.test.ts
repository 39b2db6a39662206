import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockLanguageModelV3, simulateReadableStream } from 'ai/test';
import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { freshDb, backend } from '../helpers/db';
import { useDb } from '../helpers/http';
import { appSdk } from '../helpers/sdk';
import { member } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { InsufficientTokens, withHold } from '../../sdk/src/index.js';
import { CHARS_PER_TOKEN, DEFAULT_MAX_OUTPUT_TOKENS, meteredGenerateText, meteredStreamText } from '../../sdk/src/ai.js';

// withHold and the Vercel AI SDK adapter against the app (both databases), with the AI SDK's own
// mock model: no network. generate_texts costs 45 tokens a unit; the adapter's default unit is a
// model token, so a call's cost is 45 × (input + output tokens).

let db: Db;
beforeAll(async () => {
	db = await freshDb({ poolSize: 20, demo: true });
	await useDb(db);
}, 300_000);
afterAll(async () => db?.close());

const RATE = 45;
const usage = (input: number, output: number) => ({
	inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
	outputTokens: { total: output, text: output, reasoning: undefined }
});
const words = ['Tokens ', 'are ', 'held, ', 'then ', 'settled.'];
const parts = (finish: boolean): LanguageModelV3StreamPart[] => [
	{ type: 'stream-start', warnings: [] },
	{ type: 'text-start', id: 't' },
	...words.map((w) => ({ type: 'text-delta' as const, id: 't', delta: w })),
	{ type: 'text-end', id: 't' },
	...(finish ? [{ type: 'finish' as const, finishReason: { unified: 'stop' as const, raw: 'stop' }, usage: usage(7, 5) }] : [])
];
const streaming = (chunkDelayInMs = 0) =>
	new MockLanguageModelV3({ doStream: async () => ({ stream: simulateReadableStream({ chunks: parts(true), chunkDelayInMs }) }) });
const prompt = 'Say it';
/** The adapter's estimate of the prompt: its JSON at 4 characters a token. */
const promptTokens = Math.ceil(JSON.stringify([null, prompt, null]).length / CHARS_PER_TOKEN);

async function account(tokens: number) {
	const m = await member(db, tokens);
	return { m, quota: appSdk(m.key), meter: { feature: 'generate_texts' } };
}

describe(`metering LLM calls on ${backend}`, () => {
	it('streamText: holds the most the call may cost, settles the provider’s usage when it finishes', async () => {
		const { quota, meter } = await account(1_000_000);
		const model = streaming();
		const { result, hold, settled } = await meteredStreamText(quota, meter, { model, prompt, maxOutputTokens: 200 });
		expect(hold.held).toBe(RATE * (promptTokens + 200));
		let text = '';
		for await (const t of result.textStream) text += t;
		expect(text).toBe(words.join(''));
		expect(await settled).toMatchObject({ cost: RATE * 12, released: hold.held - RATE * 12 });
		expect(model.doStreamCalls[0]!.maxOutputTokens).toBe(200);
		expect((await quota.balance()).held).toBe(0);
		await expectInvariants(db);
	});

	it('streamText without maxOutputTokens holds the documented default', async () => {
		const { quota, meter } = await account(1_000_000);
		const { result, hold, settled } = await meteredStreamText(quota, meter, { model: streaming(), prompt });
		expect(hold.held).toBe(RATE * (promptTokens + DEFAULT_MAX_OUTPUT_TOKENS));
		await result.consumeStream();
		expect((await settled).cost).toBe(RATE * 12);
	});

	it('an aborted stream reports no usage: it settles the estimate from the text streamed so far', async () => {
		const { quota, meter } = await account(1_000_000);
		const controller = new AbortController();
		const { result, settled } = await meteredStreamText(quota, meter, { model: streaming(40), prompt, abortSignal: controller.signal });
		let text = '';
		for await (const t of result.textStream) {
			text += t;
			if (text === 'Tokens are ') controller.abort();
		}
		expect(text).toBe('Tokens are ');
		const estimate = promptTokens + Math.ceil(text.length / CHARS_PER_TOKEN);
		expect((await settled).cost).toBe(RATE * estimate);
		expect((await quota.balance()).held).toBe(0);
		await expectInvariants(db);
	});

	it('a refused hold throws the limit message and never calls the model', async () => {
		const { quota, meter } = await account(100);
		const model = streaming();
		const e = await meteredStreamText(quota, meter, { model, prompt }).catch((err: unknown) => err);
		expect(e).toBeInstanceOf(InsufficientTokens);
		expect((e as InsufficientTokens).userMessage).toMatch(/^This hold needs [\d,]+ tokens, more than the 100 spendable on this feature\.$/);
		expect(model.doStreamCalls).toHaveLength(0);
		const g = new MockLanguageModelV3({ doGenerate: async () => ({ content: [], finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(1, 1), warnings: [] }) });
		await expect(meteredGenerateText(quota, meter, { model: g, prompt })).rejects.toBeInstanceOf(InsufficientTokens);
		expect(g.doGenerateCalls).toHaveLength(0);
	});

	it('generateText settles the usage; a failing call releases the hold', async () => {
		const { quota, meter } = await account(1_000_000);
		const ok = new MockLanguageModelV3({
			doGenerate: async () => ({ content: [{ type: 'text', text: 'Done.' }], finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(20, 3), warnings: [] })
		});
		const { result, settled } = await meteredGenerateText(quota, meter, { model: ok, prompt, maxOutputTokens: 50 });
		expect(result.text).toBe('Done.');
		expect(settled.cost).toBe(RATE * 23);
		const before = await quota.balance();
		const failing = new MockLanguageModelV3({
			doGenerate: async () => {
				throw new Error('provider down');
			}
		});
		await expect(meteredGenerateText(quota, meter, { model: failing, prompt, maxRetries: 0 })).rejects.toThrow('provider down');
		expect(await quota.balance()).toEqual(before);
		await expectInvariants(db);
	});

	it('withHold: settles what fn reports (never more than held), releases when fn throws or the signal aborts', async () => {
		const { quota } = await account(10_000);
		const request = { feature: 'generate_texts', max_tokens: 450 };
		const r = await withHold(quota, request, async (hold) => ({ tokens: 90, value: hold.held }));
		expect(r).toMatchObject({ value: 450, settled: { cost: 90, released: 360 } });
		expect((await withHold(quota, request, async () => ({ tokens: 5000, value: null }))).settled).toMatchObject({ cost: 450, released: 0 });
		await expect(
			withHold(quota, request, async () => {
				throw new Error('model failed');
			})
		).rejects.toThrow('model failed');
		const controller = new AbortController();
		await expect(
			withHold(quota, request, async () => {
				controller.abort();
				return { tokens: 45, value: null };
			}, { signal: controller.signal })
		).rejects.toMatchObject({ name: 'AbortError' });
		const b = await quota.balance();
		expect(b.held).toBe(0);
		expect(b.data.general?.credit).toBe(10_000 - 90 - 450);
		await expectInvariants(db);
	});
});
