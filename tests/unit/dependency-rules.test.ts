import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type IForbiddenRuleType } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

// The layer rules `npm test` holds the code to (.dependency-cruiser.cjs) catch each kind of
// violation: shown on a small tree of files that break them, beside files that keep them.

const { forbidden } = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as { forbidden: IForbiddenRuleType[] };

const tree: Record<string, string> = {
	'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '$lib/*': ['./src/lib/*'] } } }),
	// Broken: a domain imports SvelteKit, the edge (also by the $lib alias, and as a type), a route; the ledger imports accounts.
	'src/lib/server/ledger/spend.ts': "import { json } from '@sveltejs/kit';\nimport { owner } from '../accounts/users';\nexport const spend = () => json(owner);",
	'src/lib/server/accounts/users.ts': "import { building } from '$app/environment';\nimport { errorResponse } from '$lib/server/http/refusals';\nexport const owner = building ? null : errorResponse;",
	'src/lib/server/store/orders.ts': "import type { RestContext } from '../rest/handler';\nexport type Order = RestContext;",
	'src/lib/server/webhooks/deliver.ts': "import { GET } from '../../../routes/api/v1/balance/+server';\nexport const deliver = GET;",
	'src/lib/client/balance.ts': "import { spend } from '../server/ledger/spend';\nimport type { Order } from '../server/store/orders';\nexport const b: Order | typeof spend = spend;",
	// Kept: the edge and routes may import SvelteKit and domains; domains import db and shared files; the ledger imports db.
	'src/lib/server/http/refusals.ts': "import { json } from '@sveltejs/kit';\nimport { spend } from '../ledger/spend';\nexport const errorResponse = () => json(spend);",
	'src/lib/server/rest/handler.ts': "import type { RequestEvent } from '@sveltejs/kit';\nimport { owner } from '../accounts/users';\nexport type RestContext = RequestEvent | typeof owner;",
	'src/routes/api/v1/balance/+server.ts': "import { errorResponse } from '$lib/server/http/refusals';\nexport const GET = errorResponse;",
	'src/lib/server/db/index.ts': 'export const db = 1;',
	'src/lib/server/errors.ts': 'export const code = 1;',
	'src/lib/server/mail/send.ts': "import { db } from '../db';\nimport { code } from '../errors';\nexport const send = db + code;",
	'src/lib/server/ledger/grants.ts': "import { db } from '../db';\nimport { code } from '../errors';\nexport const grants = db + code;"
};

let dir: string;
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'quota-layers-'));
	for (const [path, text] of Object.entries(tree)) {
		mkdirSync(dirname(join(dir, path)), { recursive: true });
		writeFileSync(join(dir, path), text);
	}
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function violations(): Promise<string[]> {
	const cwd = process.cwd();
	process.chdir(dir); // dependency-cruiser names files relative to the working folder, as the rules do
	try {
		const result = await cruise(['src'], { validate: true, ruleSet: { forbidden }, tsPreCompilationDeps: true, tsConfig: { fileName: 'tsconfig.json' } }, {}, { tsConfig: await extractTSConfig('tsconfig.json') });
		if (typeof result.output === 'string') throw new Error('expected the cruise result, not a report');
		return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
	} finally {
		process.chdir(cwd);
	}
}

describe('the layer rules (.dependency-cruiser.cjs)', () => {
	it('refuse each kind of violation and pass the imports the layers allow', async () => {
		expect(await violations()).toEqual(
			[
				'browser-takes-only-types: src/lib/client/balance.ts -> src/lib/server/ledger/spend.ts',
				'domain-imports-no-sveltekit: src/lib/server/accounts/users.ts -> $app/environment',
				'domain-imports-no-sveltekit: src/lib/server/ledger/spend.ts -> @sveltejs/kit',
				'domain-imports-no-transport: src/lib/server/accounts/users.ts -> src/lib/server/http/refusals.ts',
				'domain-imports-no-transport: src/lib/server/store/orders.ts -> src/lib/server/rest/handler.ts',
				'domain-imports-no-transport: src/lib/server/webhooks/deliver.ts -> src/routes/api/v1/balance/+server.ts',
				'ledger-imports-no-other-domain: src/lib/server/ledger/spend.ts -> src/lib/server/accounts/users.ts'
			].sort()
		);
	});
});
