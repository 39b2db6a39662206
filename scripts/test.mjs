// `npm test`: type checks, the dependency rules, the SDK build, the production build, then unit + integration tests (PGlite, and real
// Postgres when TEST_DATABASE_URL is set) beside the browser tests. With CI=true a skipped suite fails the run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const totals = { passed: 0, failed: 0, skipped: 0 };
const skippedSuites = [];
/** Each failed test's file, name and first lines of its message: printed last, where a CI log's tail shows them. */
const failures = [];
let failed = false;

function run(title, cmd, args, env = {}) {
	console.log(`\n▶ ${title}`);
	const started = Date.now();
	const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
	// Each step's wall time, so a slow suite shows which step grew.
	console.log(`◀ ${title}: ${Math.round((Date.now() - started) / 1000)} s`);
	if (r.status !== 0) {
		console.error(`✗ ${title} failed (exit ${r.status ?? r.signal})`);
		failed = true;
	}
	return r.status === 0;
}

/**
 * Starts `cmd` as a step that runs beside another one; `done` resolves with whether it passed. Unless
 * `live`, its output is kept until `flush()` prints it and lets the rest through: two vitest runs
 * interleaved line by line would be unreadable. The event loop must stay free meanwhile (no spawnSync).
 */
function startStep(title, cmd, args, { live }) {
	console.log(`\n▶ ${title}${live ? '' : ' (beside the next step; its output follows that step\'s)'}`);
	const started = Date.now();
	const kept = [];
	let passing = live;
	const write = (stream, chunk) => (passing ? stream.write(chunk) : kept.push([stream, chunk]));
	// Piped, vitest would drop its colours in a terminal.
	const env = { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) };
	const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
	child.stdout.on('data', (d) => write(process.stdout, d));
	child.stderr.on('data', (d) => write(process.stderr, d));
	function flush() {
		if (passing) return;
		passing = true;
		console.log(`\n▶ ${title}, its output so far:`);
		for (const [stream, chunk] of kept) stream.write(chunk);
	}
	const done = new Promise((resolve) =>
		child.on('close', (code, signal) => {
			flush();
			console.log(`◀ ${title}: ${Math.round((Date.now() - started) / 1000)} s`);
			if (code !== 0) {
				console.error(`✗ ${title} failed (exit ${code ?? signal})`);
				failed = true;
			}
			resolve(code === 0);
		})
	);
	return { done, flush };
}

function count(jsonFile) {
	if (!existsSync(jsonFile)) return;
	const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
	totals.passed += report.numPassedTests ?? 0;
	totals.failed += report.numFailedTests ?? 0;
	totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
	for (const file of report.testResults ?? []) {
		for (const t of file.assertionResults ?? []) {
			if (t.status !== 'failed') continue;
			const message = (t.failureMessages ?? []).join('\n').split('\n').filter((l) => l.trim()).slice(0, 6).join('\n    ');
			failures.push(`✗ ${file.name.replace(`${process.cwd()}/`, '')} > ${t.fullName}\n    ${message}`);
		}
		// A file that failed outside its tests (an import, a hook) has no failed test to name.
		if (file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed')) {
			failures.push(`✗ ${file.name.replace(`${process.cwd()}/`, '')}: ${String(file.message ?? '').split('\n').slice(0, 6).join('\n    ')}`);
		}
	}
}

rmSync('test-results/vitest', { recursive: true, force: true });
mkdirSync('test-results/vitest', { recursive: true });

run('Type check (svelte-check + tsc)', 'npm', ['run', '--silent', 'check']);
// The layer rules of docs/ARCHITECTURE.md (.dependency-cruiser.cjs): domains know no SvelteKit or transport, the ledger no other domain.
run('Dependency rules (dependency-cruiser)', 'npm', ['run', '--silent', 'check:deps']);
// The SDK package as published (sdk/dist, ESM + types, no Node types): the e2e tests drive it.
run('SDK build (sdk/, tsc)', 'npm', ['run', '--silent', 'sdk:build']);

if (!process.env.TEST_DATABASE_URL) {
	skippedSuites.push('integration on real PostgreSQL (set TEST_DATABASE_URL=postgres://… to run it)');
}
const unitArgs = ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest/main.json'];
const browserArgs = ['vitest', 'run', '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest/e2e.json'];

// The browser tests mostly wait (on pages, the app's schedule, the network): alone they kept about
// one of the two cores busy. So they run beside the unit and integration tests, which need the CPU,
// once the production build they test is made. Each uses its own databases and ports.
let browser = null;
if (!existsSync(chromium)) {
	skippedSuites.push(`browser tests (no Chromium at ${chromium}; apt-get install chromium)`);
} else if (run('Production build', 'npx', ['vite', 'build', '--logLevel', 'warn'])) {
	browser = startStep('Browser tests (Playwright, Chromium, phone viewport)', 'npx', browserArgs, { live: false });
}
await startStep('Unit and integration tests', 'npx', unitArgs, { live: true }).done;
count('test-results/vitest/main.json');
if (browser) {
	browser.flush();
	await browser.done;
	count('test-results/vitest/e2e.json');
}

for (const suite of skippedSuites) console.warn(`\n⚠ SKIPPED: ${suite}`);
if (ci && skippedSuites.length) {
	console.error('✗ CI=true: a skipped suite is a failure.');
	failed = true;
}
if (totals.skipped && ci) {
	console.error(`✗ CI=true: ${totals.skipped} test(s) skipped.`);
	failed = true;
}
if (totals.passed === 0) failed = true;
if (failures.length) console.error(`\nFailed:\n${failures.join('\n')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failed || totals.failed ? 1 : 0);
