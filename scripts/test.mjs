// `npm test`: type checks, the dependency rules, the SDK build, unit + integration tests (PGlite, and real Postgres when TEST_DATABASE_URL
// is set), then the production build and the browser tests. With CI=true a skipped suite fails the run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const totals = { passed: 0, failed: 0, skipped: 0 };
const skippedSuites = [];
/** Each failed test's file, name and first lines of its message: printed last, where a CI log's tail shows them. */
const failures = [];
let failed = false;

/** The machine's CPU time so far, busy and in all, in ms (every core, every process). */
function cpuTime() {
	let busy = 0;
	let all = 0;
	for (const { times } of cpus()) {
		const total = times.user + times.nice + times.sys + times.idle + times.irq;
		all += total;
		busy += total - times.idle;
	}
	return { busy, all };
}

function run(title, cmd, args, env = {}) {
	console.log(`\n▶ ${title}`);
	const started = Date.now();
	const cpu = cpuTime();
	const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
	// Each step's wall time, so a slow suite shows which step grew, and how busy it kept the machine's
	// cores: a step short of all of them waits on something other than the CPU, and more workers could help.
	const used = cpuTime();
	const cores = cpus().length;
	const busy = (cores * (used.busy - cpu.busy)) / Math.max(1, used.all - cpu.all);
	console.log(`◀ ${title}: ${Math.round((Date.now() - started) / 1000)} s, ${busy.toFixed(2)} of ${cores} cores busy`);
	if (r.status !== 0) {
		console.error(`✗ ${title} failed (exit ${r.status ?? r.signal})`);
		failed = true;
	}
	return r.status === 0;
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
run('Unit and integration tests', 'npx', [
	'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest/main.json'
]);
count('test-results/vitest/main.json');

if (!existsSync(chromium)) {
	skippedSuites.push(`browser tests (no Chromium at ${chromium}; apt-get install chromium)`);
} else if (run('Production build', 'npx', ['vite', 'build', '--logLevel', 'warn'])) {
	run('Browser tests (Playwright, Chromium, phone viewport)', 'npx', [
		'vitest', 'run', '--config', 'vitest.e2e.config.ts',
		'--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest/e2e.json'
	]);
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
