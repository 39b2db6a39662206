// A local, deterministic language model (AI SDK LanguageModelV3) for running the example without a
// provider key: it answers from a fixed script, word by word, and reports usage at 4 characters a token.

const tokens = (text) => Math.ceil(text.length / 4);

/** The reply to a prompt: always the same for the same last message. */
function replyTo(prompt) {
	const last = [...prompt].reverse().find((m) => m.role === 'user');
	const asked = (last?.content ?? []).map((p) => p.text ?? '').join(' ').trim();
	return `You asked: "${asked}". This reply comes from the local deterministic model, so it costs the same every time: Quota held tokens before it started and settles what it used now that it is done.`;
}

function usage(prompt, text) {
	const input = tokens(JSON.stringify(prompt));
	const output = tokens(text);
	return { inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: output, text: output, reasoning: undefined } };
}

export const localModel = {
	specificationVersion: 'v3',
	provider: 'local',
	modelId: 'deterministic',
	supportedUrls: {},
	async doGenerate({ prompt }) {
		const text = replyTo(prompt);
		return { content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(prompt, text), warnings: [] };
	},
	async doStream({ prompt, abortSignal }) {
		const text = replyTo(prompt);
		const words = text.split(/(?<= )/);
		const stream = new ReadableStream({
			async start(controller) {
				controller.enqueue({ type: 'stream-start', warnings: [] });
				controller.enqueue({ type: 'text-start', id: 't' });
				for (const delta of words) {
					if (abortSignal?.aborted) return controller.close();
					await new Promise((r) => setTimeout(r, 40));
					controller.enqueue({ type: 'text-delta', id: 't', delta });
				}
				controller.enqueue({ type: 'text-end', id: 't' });
				controller.enqueue({ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(prompt, text) });
				controller.close();
			}
		});
		return { stream };
	}
};
