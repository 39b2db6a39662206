// npm run bench:compare -- REV [ROUNDS]: this working tree's group-committed ledger against REV's, in one
// run on one PostgreSQL. Each tree migrates a database of its own (its SQL functions included) with the
// bench's 10,000 accounts and a hot one, then the two are alternated, A B in odd rounds and B A in even
// ones (ROUNDS, default 6), BENCH_CONSUMES consumes a run (default 3,200) through each tree's `consume()`.
// Printed: each run's rate and PostgreSQL's CPU time a consume, then the means and B ÷ A. The CPU time
// (every process of the server, from /proc) moves far less than the rate when something else runs on the
// machine, so it is the figure a change is judged by here; a rate is a figure only on a quiet machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { fmt } from './shared';

const rev = process.argv[2];
const rounds = Number(process.argv[3] ?? 6);
const consumes = Number(process.env.BENCH_CONSUMES ?? 3200);
const adminUrl = process.env.TEST_DATABASE_URL;
if (!rev || !Number.isInteger(rounds) || rounds < 1) throw new Error('usage: npm run bench:compare -- REV [ROUNDS]');
if (!adminUrl) throw new Error('bench:compare needs TEST_DATABASE_URL (bench/with-postgres.sh sets one up)');

const here = resolve('.');
const runner = join(here, 'bench/compare-run.ts');
const other = mkdtempSync(join(tmpdir(), 'quota-compare-'));
const git = (...args: string[]) => {
	const r = spawnSync('git', args, { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
	return r.stdout.trim();
};
const commit = git('rev-parse', '--short', rev);
git('worktree', 'add', '--detach', other, commit);
symlinkSync(join(here, 'node_modules'), join(other, 'node_modules'));

const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
const stamp = Date.now();
const sides = [
	{ name: 'A', label: `${commit} (${rev})`, tree: other, db: `quota_compare_a_${stamp}` },
	{ name: 'B', label: 'this tree', tree: here, db: `quota_compare_b_${stamp}` }
] as const;
const urlOf = (db: string) => Object.assign(new URL(adminUrl), { pathname: `/${db}` }).toString();

interface Run { rps: number; p50: number; p99: number; pgCpuUs: number | null }
function side(tree: string, ...args: string[]): Run | null {
	const r = spawnSync('npx', ['tsx', runner, tree, ...args], { cwd: tree, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
	if (r.status !== 0) throw new Error(`${tree} ${args[0]}: ${r.stderr || r.stdout}`);
	const last = r.stdout.trim().split('\n').at(-1);
	return args[0] === 'setup' ? null : (JSON.parse(last!) as Run);
}

try {
	console.log(`bench:compare: A = ${sides[0].label}, B = ${sides[1].label}; ${rounds} rounds of ${consumes.toLocaleString('en')} consumes a run, 16 callers`);
	for (const s of sides) {
		await admin.unsafe(`create database ${s.db}`);
		side(s.tree, 'setup', urlOf(s.db));
	}
	const runs: Record<'spread' | 'hot', Record<'A' | 'B', Run[]>> = { spread: { A: [], B: [] }, hot: { A: [], B: [] } };
	for (let round = 1; round <= rounds; round++) {
		const order = round % 2 ? sides : [sides[1], sides[0]];
		for (const kind of ['spread', 'hot'] as const) {
			const line: string[] = [];
			for (const s of order) {
				const r = side(s.tree, kind, urlOf(s.db), String(consumes))!;
				runs[kind][s.name].push(r);
				line.push(`${s.name} ${fmt(r.rps).padStart(6)}/s ${r.pgCpuUs === null ? '' : `${fmt(r.pgCpuUs).padStart(5)} µs`}`);
			}
			console.log(`round ${round} ${kind.padEnd(6)} ${line.join('   ')}`);
		}
	}
	const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
	console.log('\nMeans (B ÷ A; PostgreSQL CPU a consume is the figure on a busy machine):');
	for (const [kind, label] of [['spread', '10,000 accounts'], ['hot', 'one hot account']] as const) {
		const [a, b] = [runs[kind].A, runs[kind].B];
		const rate = `rate A ${fmt(mean(a.map((r) => r.rps)))}/s, B ${fmt(mean(b.map((r) => r.rps)))}/s (${fmt(mean(b.map((r) => r.rps)) / mean(a.map((r) => r.rps)), 2)})`;
		const cpuA = a.map((r) => r.pgCpuUs);
		const cpuB = b.map((r) => r.pgCpuUs);
		const cpu = cpuA.every((c) => c !== null) && cpuB.every((c) => c !== null)
			? `; PostgreSQL CPU a consume A ${fmt(mean(cpuA as number[]))} µs, B ${fmt(mean(cpuB as number[]))} µs (${fmt(mean(cpuB as number[]) / mean(cpuA as number[]), 2)}), B costlier in ${cpuB.filter((c, i) => c! > cpuA[i]!).length} of ${rounds} rounds`
			: '; PostgreSQL CPU not measured (the server is not on this machine)';
		console.log(`  ${label}: ${rate}${cpu}`);
	}
} finally {
	for (const s of sides) await admin.unsafe(`drop database if exists ${s.db} with (force)`);
	await admin.end();
	git('worktree', 'remove', '--force', other);
	rmSync(other, { recursive: true, force: true });
}
