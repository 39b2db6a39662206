// `npm start`: build when the sources are newer than the last build, then serve the production build.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';

const stampFile = 'build/.quota-build-stamp';
const inputs = ['src', 'static', 'drizzle', 'svelte.config.js', 'vite.config.ts', 'package.json', 'package-lock.json'];

function newestMtime(path) {
	if (!existsSync(path)) return 0;
	const st = statSync(path);
	if (!st.isDirectory()) return st.mtimeMs;
	return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs);
}

// A second start beside a running one would rebuild under it and open its embedded database: say so
// before touching either (adapter-node listens on every address, HOST 0.0.0.0, by default).
const port = Number(process.env.PORT || 3000);
const taken = await new Promise((resolve) => {
	const probe = createServer()
		.once('error', (e) => resolve(e.code === 'EADDRINUSE'))
		.once('listening', () => probe.close(() => resolve(false)))
		.listen(port, process.env.HOST || '0.0.0.0');
});
if (taken) {
	console.error(`Quota: port ${port} is in use (is Quota already running at http://localhost:${port}?). Stop it first, or set PORT to another port.`);
	process.exit(1);
}

const sourcesAt = Math.max(...inputs.map(newestMtime));
const builtAt = existsSync(stampFile) ? statSync(stampFile).mtimeMs : 0;
if (!existsSync('build/index.js') || sourcesAt > builtAt) {
	console.log('Quota: building the app (first start, or sources changed; about a minute)…');
	const started = Date.now();
	// The build's own report (chunk sizes, plugin timings, adapter hints) is for `npm run build`;
	// a start shows it only when the build fails.
	const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (build.status !== 0) {
		process.stdout.write(build.stdout ?? '');
		process.stderr.write(build.stderr ?? '');
		process.exit(build.status ?? 1);
	}
	writeFileSync(stampFile, new Date().toISOString());
	console.log(`Quota: built in ${Math.round((Date.now() - started) / 1000)} s; starting the server…`);
}

const server = spawn(process.execPath, ['scripts/serve.mjs'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 0)));
