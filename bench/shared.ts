import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Builds the production app when there is no build yet (benches run the build, not the dev server). */
export function ensureBuild() {
	if (existsSync('build/index.js')) return;
	console.log('Building the production app…');
	if (spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' }).status !== 0) process.exit(1);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
