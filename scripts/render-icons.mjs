// Renders the app icons (static/icons/*.png, the brand mark the pages show among them, and
// static/favicon.svg, the browser tab's icon) from one SVG drawing with Chromium:
// `node scripts/render-icons.mjs`. The PNGs are committed; run this again only when the drawing changes.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';

/** A "Q" over a token meter; `safe` shrinks the drawing into the maskable safe zone (80 % circle). */
function drawing({ rounded, safe }) {
	const scale = safe ? 0.72 : 1;
	const offset = (512 * (1 - scale)) / 2;
	return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
	<rect width="512" height="512" rx="${rounded ? 112 : 0}" fill="#3b3fd8"/>
	<g transform="translate(${offset} ${offset}) scale(${scale})">
		<circle cx="256" cy="244" r="150" fill="none" stroke="#ffffff" stroke-opacity="0.28" stroke-width="44"/>
		<path d="M256 94 a150 150 0 1 1 -141 99" fill="none" stroke="#ffffff" stroke-width="44" stroke-linecap="round"/>
		<path d="M300 300 L392 404" stroke="#ffd25a" stroke-width="48" stroke-linecap="round"/>
	</g>
</svg>`;
}

const icons = [
	{ file: 'icon-192.png', size: 192, rounded: true, safe: false },
	{ file: 'icon-512.png', size: 512, rounded: true, safe: false },
	{ file: 'maskable-192.png', size: 192, rounded: false, safe: true },
	{ file: 'maskable-512.png', size: 512, rounded: false, safe: true },
	{ file: 'apple-touch-icon.png', size: 180, rounded: false, safe: false },
	// The brand mark the pages show (32 px and under at 2x; 128 for the larger marks of home and sign-in):
	// a PNG, because an <img> of an SVG makes Chromium build a whole document for it on every page.
	{ file: 'logo-64.png', size: 64, rounded: true, safe: false },
	{ file: 'logo-128.png', size: 128, rounded: true, safe: false }
];

mkdirSync('static/icons', { recursive: true });
writeFileSync('static/favicon.svg', drawing({ rounded: true, safe: false }).replace(/\n\s*/g, '') + '\n');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--headless=new'] });
for (const icon of icons) {
	const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
	const svg = drawing(icon).replace('width="512" height="512"', `width="${icon.size}" height="${icon.size}"`);
	await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
	await page.screenshot({ path: `static/icons/${icon.file}`, omitBackground: true, clip: { x: 0, y: 0, width: icon.size, height: icon.size } });
	await page.close();
}
await browser.close();
console.log(`rendered ${icons.length} icons into static/icons/`);
