/**
 * The code blocks of /developers beyond REST: installing and using the SDK, the usage widget and
 * verifying webhooks. Short on purpose: docs/integration-kit.md and sdk/README.md have the whole
 * story; these are the lines a host site copies first, for this server's `origin`.
 */

/** The SDK is not on the npm registry: a host site installs the tarball built from a Quota checkout. */
export const sdkInstall = [
	'# in your Quota checkout',
	'npm ci && npm run sdk:build',
	'cd sdk && npm pack              # writes quota-sdk-<version>.tgz',
	'',
	'# in your site (Node 20+; Bun, Deno and edge runtimes run it too)',
	'npm install /path/to/quota/sdk/quota-sdk-<version>.tgz'
].join('\n');

export const sdkUse = (origin: string) =>
	[
		"import { Quota, LimitReached } from '@quota/sdk';",
		'',
		`const quota = new Quota({ baseUrl: '${origin}', apiKey: process.env.QUOTA_API_KEY! });`,
		'try {',
		"  await quota.consume({ user: 'wp-42', feature: 'ai_bots', units: 100 }); // makes and reuses the Idempotency-Key",
		'} catch (e) {',
		"  if (e instanceof LimitReached) showToUser(e.userMessage); // words for the end user",
		'  else throw e;',
		'}'
	].join('\n');

/** Minted on the host site's server with the site key, which never reaches a browser. */
export const embedToken = [
	"const { token } = await quota.embedToken({ user: 'wp-42' }); // or { team, member: 'wp-42' }; ttl_seconds 60–3600, default 900",
	'// REST: POST /api/v1/embed-tokens {"user": "wp-42"} → 201 {"token": "qe_…", "expires_at", "account_id"}'
].join('\n');

export const embedHtml = (origin: string) =>
	[`<script src="${origin}/embed/quota-usage.js" defer></script>`, '<quota-usage token="qe_…" parts="balance,allowances,usage,buy"></quota-usage>'].join('\n');

export const webhookSdk = [
	"import { verifyWebhook } from '@quota/sdk';",
	'',
	'const body = await request.text(); // the raw body, exactly as received: verify before parsing',
	'const event = await verifyWebhook(process.env.QUOTA_WEBHOOK_SECRET!, body, request.headers); // throws if forged or stale',
	"if (event.type === 'ping') return new Response(null, { status: 204 }); // a test event from the console: no account",
	'// event.type, event.data.event_id (drop duplicates by it), event.data.sequence (order by it),',
	'// event.data.user_id / team_id / guest_id: the account, as you send it to the API as user / team / guest'
].join('\n');

export const webhookStandard = [
	"import { Webhook } from 'standardwebhooks'; // npm install standardwebhooks",
	'',
	'const event = new Webhook(process.env.QUOTA_WEBHOOK_SECRET!).verify(body, headers); // the whsec_ secret as shown; throws if forged or stale'
].join('\n');

/** The check itself, for a language without a Standard Webhooks library; runs as shown in Node. */
export const webhookRaw = [
	"import { createHmac, timingSafeEqual } from 'node:crypto';",
	'',
	'function verifyQuotaWebhook(secret, headers, body) {',
	"  const id = headers['webhook-id'], timestamp = headers['webhook-timestamp'];",
	"  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false; // stale: a replay",
	"  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');",
	'  const expected = createHmac(\'sha256\', key).update(`${id}.${timestamp}.${body}`).digest();',
	"  // Space-separated \"v1,<base64>\" signatures: two while a secret is being rotated.",
	"  return headers['webhook-signature'].split(' ').some((s) => {",
	"    const sig = Buffer.from(s.replace(/^v1,/, ''), 'base64');",
	"    return s.startsWith('v1,') && sig.length === expected.length && timingSafeEqual(sig, expected);",
	'  });',
	'}'
].join('\n');
