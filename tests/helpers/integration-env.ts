// Setup file of the integration projects (vite.config.ts), run before each test file. Their files
// share a worker process (isolate: false), so the app's configuration, read once per process
// (config()), must be the same for all of them: set here, never by a test file.
import { inject } from 'vitest';
import type {} from './template-db'; // its ProvidedContext declaration

// Mail (invitations, resets, alerts) goes to files in the run's temporary directory, not into the repository.
process.env.MAIL_DIR = inject('mailDir');
