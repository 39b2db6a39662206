// A minimal host site: a chat page whose replies are metered by Quota (SDK + AI SDK adapter).
// Run from the repository root: `npm run example:chat` (see README.md here).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { LimitReached, Quota } from '../../sdk/dist/index.js';
import { meteredStreamText } from '../../sdk/dist/ai.js';
import { localModel } from './local-model.mjs';

const QUOTA_URL = process.env.QUOTA_URL ?? 'http://localhost:3000';
const API_KEY = process.env.QUOTA_API_KEY;
const PORT = Number(process.env.PORT ?? 3100);
if (!API_KEY) {
	console.error('Set QUOTA_API_KEY to a Quota site key (npm start prints the demo one; or start Quota with DEMO_SITE_API_KEY=…).');
	process.exit(1);
}

const quota = new Quota({ baseUrl: QUOTA_URL, apiKey: API_KEY });
// With AI_GATEWAY_API_KEY the AI SDK's gateway calls the real provider; without, the local model answers.
const model = process.env.AI_GATEWAY_API_KEY ? (process.env.CHAT_MODEL ?? 'openai/gpt-5-nano') : localModel;
const modelLabel = typeof model === 'string' ? `${model} (via the AI Gateway)` : 'Local deterministic model (no provider key set)';

/** The host site's members: the second has used up today's free chat tokens, to show Quota's limit message. */
const members = [
	{ id: 'chat-example-ada', name: 'Ada (has tokens)' },
	{ id: 'chat-example-bob', name: 'Bob (out of tokens)' }
];

/** Bob spends his free chat allowance once, so his next reply is refused (through the API, as any use would). */
async function useUpBob() {
	for (;;) {
		try {
			await quota.consume({ user: members[1].id, feature: 'ai_bots', units: 1000 });
		} catch (e) {
			if (e instanceof LimitReached) return;
			throw e;
		}
	}
}

/** ai_bots is priced per word: about 0.75 words a model token. */
const meter = (user) => ({ user, feature: 'ai_bots', units: (t) => Math.ceil(t.outputTokens * 0.75) });

async function readJson(req) {
	let body = '';
	for await (const chunk of req) body += chunk;
	return JSON.parse(body || '{}');
}

const page = readFileSync(new URL('./index.html', import.meta.url), 'utf8')
	.replace('{{MODEL}}', modelLabel)
	.replace('{{MEMBERS}}', members.map((m) => `<option value="${m.id}">${m.name}</option>`).join(''));

const server = createServer(async (req, res) => {
	const url = new URL(req.url, 'http://localhost');
	try {
		if (req.method === 'GET' && url.pathname === '/') {
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			return res.end(page);
		}
		const member = members.find((m) => m.id === url.searchParams.get('member'));
		if (!member) {
			res.writeHead(404, { 'content-type': 'application/json' });
			return res.end(JSON.stringify({ message: 'No such member.' }));
		}
		if (req.method === 'GET' && url.pathname === '/balance') {
			// What chat can spend: the general lots plus what is left of the chat module's free allowance
			// (`available` would also count other modules' allowances, which chat cannot use).
			const b = await quota.balance({ user: member.id });
			const chat = b.allowances.find((a) => a.module === 'chat');
			const left = (b.data.general?.credit ?? 0) + (chat?.limit != null ? Math.max(0, chat.limit - chat.used) : 0);
			res.writeHead(200, { 'content-type': 'application/json' });
			return res.end(JSON.stringify({ chat: left }));
		}
		if (req.method === 'POST' && url.pathname === '/chat') {
			const { message } = await readJson(req);
			const abort = new AbortController();
			res.on('close', () => abort.abort());
			try {
				const { result, settled } = await meteredStreamText(quota, meter(member.id), {
					model,
					messages: [{ role: 'user', content: String(message ?? '').slice(0, 2000) }],
					maxOutputTokens: 400,
					abortSignal: abort.signal
				});
				res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
				for await (const text of result.textStream) res.write(text);
				// The reply ends once Quota has settled it, so the page's next balance read shows the real charge.
				await settled;
				return res.end();
			} catch (e) {
				if (!(e instanceof LimitReached)) throw e;
				res.writeHead(402, { 'content-type': 'application/json' });
				return res.end(JSON.stringify({ message: e.userMessage }));
			}
		}
		res.writeHead(404).end();
	} catch (e) {
		console.error(e);
		if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ message: 'The chat could not answer; try again.' }));
	}
});

await useUpBob();
server.listen(PORT, () => console.log(`Chat example on http://localhost:${PORT} (Quota at ${QUOTA_URL}; ${modelLabel})`));
