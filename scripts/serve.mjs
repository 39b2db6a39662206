// Serves the production build (build/index.js) the way `npm start` does.
// adapter-node reads ORIGIN when it loads and, without it, takes every request for https:// —
// so a plain http://localhost start would build wrong URLs. Give it the app's own default first
// (the same as src/lib/server/config.ts: http://localhost:$PORT); behind a proxy, set ORIGIN.
process.env.PORT ||= '3000';
// adapter-node parses ORIGIN as it loads and throws its own stack on a bad one, before the app's
// configuration (config.ts) could name it: say it in the app's one line instead.
if (process.env.ORIGIN && !/^https?:\/\/[^/]/.test(process.env.ORIGIN)) {
	console.error(`Invalid configuration: ORIGIN must be the app's public URL, http:// or https:// (got ${JSON.stringify(process.env.ORIGIN)})`);
	process.exit(1);
}
// On PostgreSQL this is a deployment, most often behind a proxy: the localhost default makes every
// sign-in and sign-up from the public address a refused cross-site form, and mails link to localhost.
if (!process.env.ORIGIN && process.env.DATABASE_URL) {
	console.warn(`Quota: ORIGIN is not set, so the app takes its address to be http://localhost:${process.env.PORT}. Behind a proxy or another name, set ORIGIN to the public URL (https://quota.example.com): forms posted from elsewhere are refused and mails link to localhost.`);
}
process.env.ORIGIN ||= `http://localhost:${process.env.PORT}`;
process.env.NODE_ENV ||= 'production';
// adapter-node announces the address it bound ("Listening on http://0.0.0.0:3000"); a person wants
// the address to open, once the server is ready for it.
const log = console.log;
console.log = (...args) => {
	if (typeof args[0] === 'string' && args[0].startsWith('Listening on ')) {
		console.log = log;
		log(`\nOpen ${process.env.ORIGIN}\n`);
		return;
	}
	log(...args);
};
await import('../build/index.js');
