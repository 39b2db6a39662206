// Serves the production build (build/index.js) the way `npm start` does.
// adapter-node reads ORIGIN when it loads and, without it, takes every request for https:// —
// so a plain http://localhost start would build wrong URLs. Give it the app's own default first
// (the same as src/lib/server/config.ts: http://localhost:$PORT); behind a proxy, set ORIGIN.
process.env.PORT ||= '3000';
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
