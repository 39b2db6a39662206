// Set up before each unit file (vite.config.ts, the unit project).
import { vi } from 'vitest';

// vi.waitFor gives up after 1 s unless told otherwise: one slow turn of a loaded 2-core machine (CI runs
// three test files at a time beside PostgreSQL), where a state test's awaited answer took longer and
// failed (live.svelte.test.ts, 4 December). 5 s, as the browser tests' expect.poll; a call that names
// its own timeout keeps it. vitest has no setting for it.
const waitFor = vi.waitFor.bind(vi);
vi.waitFor = ((callback, options) => waitFor(callback, typeof options === 'number' ? options : { timeout: 5_000, ...options })) as typeof vi.waitFor;
