import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Builds the production app when there is no build yet (benches run the build, not the dev server). */
export function ensureBuild() {
	if (existsSync('build/index.js')) return;
	console.log('Building the production app…');
	if (spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' }).status !== 0) process.exit(1);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One measured load: requests (or transactions) per second, latency in ms, failures, how many ran. */
export interface Figures { rps: number; p50: number; p99: number; errors: number; total: number }

/** The p-quantile (0…1) of ascending `sorted` values. */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

export const fmt = (n: number, d = 0) => n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });

/** A target's mark in the printed report. */
export const mark = (ok: boolean) => (ok ? '  ok ' : 'MISS ');

/** One printed line of figures. */
export const row = (label: string, f: Figures) =>
	`${label.padEnd(52)} ${fmt(f.rps).padStart(8)}/s  p50 ${fmt(f.p50, 1).padStart(6)} ms  p99 ${fmt(f.p99, 1).padStart(6)} ms  errors ${f.errors}`;
