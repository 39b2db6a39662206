import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_SITE_API_KEY } from './server';
import { baseURL } from './browser';
import { embedToken, sdkUse, webhookSdk } from '../../src/routes/developers/guides';

// The SDK as a host site gets it (/developers, "Install"): `npm pack` in sdk/, then `npm install` of
// that tarball in a project of its own. sdk.test.ts tests the same code from sdk/dist; this one tests
// the package: what the tarball holds, that its exports and types resolve from outside the repository,
// and that it meters against the production build. `--offline`, and a test must not need the network:
// its dependencies go in as tarballs packed from the repository's node_modules (the versions `npm ci`
// installed), since npm's cache holds their tarballs but not always the registry's metadata that
// resolving a version range needs (ENOTCACHED on a machine whose cache only `npm ci` filled).

const sdkDir = fileURLToPath(new URL('../../sdk/', import.meta.url));
const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
if (!existsSync(join(sdkDir, 'dist/index.js'))) throw new Error('sdk/dist is missing: run `npm --prefix sdk run build` (npm test does).');

const work = mkdtempSync(join(tmpdir(), 'quota-sdk-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });

/** The SDK's dependencies and theirs, as the repository installed them: their directories under node_modules. */
function dependencyDirs(): string[] {
	const root = fileURLToPath(new URL('../../node_modules/', import.meta.url));
	const seen = new Set<string>();
	const walk = (deps: Record<string, string> = {}) => {
		for (const name of Object.keys(deps)) {
			if (seen.has(name)) continue;
			seen.add(name);
			walk(JSON.parse(readFileSync(join(root, name, 'package.json'), 'utf8')).dependencies);
		}
	};
	walk(JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')).dependencies);
	return [...seen].map((name) => join(root, name));
}

describe('the SDK tarball, installed as /developers says', () => {
	it('holds the built package only, installs in a project of its own, type-checks there and consumes', async () => {
		const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], sdkDir)) as { filename: string; files: { path: string }[] }[];
		const files = packed[0]!.files.map((f) => f.path);
		expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'openapi.json', 'dist/index.js', 'dist/index.d.ts', 'dist/ai.js', 'dist/ai.d.ts']));
		expect(files.filter((f) => !/^(package\.json|README\.md|openapi\.json|dist\/.+)$/.test(f))).toEqual([]);

		const site = join(work, 'site');
		execFileSync('mkdir', ['-p', site]);
		writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'host-site', private: true, type: 'module' }));
		const deps = dependencyDirs().map((dir) => join(work, (JSON.parse(npm(['pack', '--json', '--pack-destination', work], dir)) as { filename: string }[])[0]!.filename));
		expect(deps.length).toBeGreaterThan(0);
		npm(['install', '--offline', join(work, packed[0]!.filename), ...deps], site);
		expect(readdirSync(join(site, 'node_modules/@quota/sdk'))).toContain('dist');

		// The types a host's editor and compiler see, through the package's exports map.
		writeFileSync(
			join(site, 'use.ts'),
			[
				"import { Quota, LimitReached, verifyWebhook } from '@quota/sdk';",
				"import type { ConsumeResult } from '@quota/sdk';",
				"const quota = new Quota({ baseUrl: 'http://localhost', apiKey: 'k' });",
				"const answer: Promise<ConsumeResult> = quota.consume({ user: 'u', feature: 'f', units: 1 });",
				'void answer; void LimitReached; void verifyWebhook;',
				'// @ts-expect-error units is a number',
				"void quota.consume({ user: 'u', feature: 'f', units: 'one' });"
			].join('\n')
		);
		// /developers' TypeScript blocks, as copied into a host's strict project (tsc --init's default): their
		// imports on top, the webhook's lines in the site's handler; Node's process.env as @types/node types it.
		const [imports, lines] = [(code: string) => code.split('\n').filter((l) => l.startsWith('import ')), (code: string) => code.split('\n').filter((l) => !l.startsWith('import '))];
		writeFileSync(
			join(site, 'developers.ts'),
			[
				...new Set([...imports(sdkUse('http://localhost')), ...imports(webhookSdk)]),
				'declare const process: { env: Record<string, string | undefined> };',
				'declare function showToUser(words: string): void;',
				...lines(sdkUse('http://localhost')),
				embedToken,
				'void token;',
				'export async function onWebhook(request: Request) {',
				...lines(webhookSdk),
				'  return new Response(null, { status: 204 });',
				'}'
			].join('\n')
		);
		writeFileSync(join(site, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [] }, files: ['use.ts', 'developers.ts'] }));
		execFileSync(process.execPath, [tsc, '-p', site], { cwd: site, encoding: 'utf8' });

		// And it runs: the installed package, not the repository's files, against the production build.
		writeFileSync(
			join(site, 'run.mjs'),
			[
				"import { Quota } from '@quota/sdk';",
				"const quota = new Quota({ baseUrl: process.argv[2], apiKey: process.argv[3] });",
				"const user = 'sdk-package-' + Date.now();",
				"await quota.grant({ user, tokens: 500, source: 'bonus' });",
				"const used = await quota.consume({ user, feature: 'generate_texts', units: 1 });",
				'const balance = await quota.balance({ user });',
				'console.log(JSON.stringify({ cost: used.cost, credit: balance.data.general.credit }));'
			].join('\n')
		);
		const out = JSON.parse(execFileSync(process.execPath, ['run.mjs', await baseURL(), DEMO_SITE_API_KEY], { cwd: site, encoding: 'utf8' }).trim()) as { cost: number; credit: number };
		expect(out.cost).toBeGreaterThan(0);
		expect(out.credit).toBe(500 - out.cost);
	}, 120_000);
});
