// Vitest global setup for the integration projects: migrates one template database per run, so
// each test file starts from a copy instead of creating a cluster (PGlite's initdb) and
// migrating it again. The template belongs to this run (its name carries the process id) and
// is removed at the end, so parallel runs never share or delete each other's.
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { openPglite, openPostgres } from '../../src/lib/server/db/client';

declare module 'vitest' {
	export interface ProvidedContext {
		/** PGlite: path of the migrated data directory's tar. Postgres: the template database's name. */
		templateDb: string;
		/** The run's MAIL_DIR (tests/helpers/integration-env.ts): mail the tests send goes there, not into the repository. */
		mailDir: string;
	}
}

/**
 * The run's demo template (tests/helpers/db.ts, freshDb({ demo: true })) beside the migrated one `templateDb`:
 * a PGlite tar's path or a database's name, and the files its first user locks and marks it built with.
 */
export function demoTemplate(templateDb: string) {
	const base = join(tmpdir(), `${basename(templateDb).replace(/\.tar$/, '')}-demo`);
	return { name: templateDb.endsWith('.tar') ? `${base}.tar` : `${templateDb}_demo`, lock: `${base}.lock`, built: `${base}.built` };
}

const removeDemoFiles = (templateDb: string) => {
	const demo = demoTemplate(templateDb);
	for (const file of [demo.lock, demo.built, ...(templateDb.endsWith('.tar') ? [demo.name] : [])]) rmSync(file, { force: true });
};

export default async function setup(project: TestProject) {
	const backend = project.config.env.QUOTA_TEST_BACKEND ?? 'pglite';
	const mailDir = mkdtempSync(join(tmpdir(), `quota-test-mail-${backend}-`));
	project.provide('mailDir', mailDir);
	const removeMail = () => rmSync(mailDir, { recursive: true, force: true });
	if (backend === 'pglite') {
		const path = join(tmpdir(), `quota-template-${process.pid}.tar`);
		const db = await openPglite();
		await db.migrate();
		writeFileSync(path, Buffer.from(await (await db.dump()).arrayBuffer()));
		await db.close();
		project.provide('templateDb', path);
		return () => {
			rmSync(path, { force: true });
			removeDemoFiles(path);
			removeMail();
		};
	}
	const adminUrl = process.env.TEST_DATABASE_URL;
	if (!adminUrl) throw new Error('QUOTA_TEST_BACKEND=postgres needs TEST_DATABASE_URL');
	const name = `quota_template_${process.pid}`;
	const admin = () => postgres(adminUrl, { max: 1, onnotice: () => {} });
	const sql = admin();
	await sql.unsafe(`drop database if exists ${name}`);
	await sql.unsafe(`create database ${name}`);
	await sql.end();
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	const db = openPostgres(url.toString(), { max: 1 });
	await db.migrate();
	await db.close();
	project.provide('templateDb', name);
	return async () => {
		const cleanup = admin();
		await cleanup.unsafe(`drop database if exists ${name} with (force)`);
		await cleanup.unsafe(`drop database if exists ${demoTemplate(name).name} with (force)`);
		await cleanup.end();
		removeDemoFiles(name);
		removeMail();
	};
}
