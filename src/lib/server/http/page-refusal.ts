import { error } from '@sveltejs/kit';
import { DomainError } from '../errors';
import { answers } from './refusals';

/** A page load's domain refusal as SvelteKit's error page, with the status of `answers`; anything else propagates. */
export function refusePage(e: unknown): never {
	if (e instanceof DomainError) error(answers[e.code].status, e.message);
	throw e;
}
