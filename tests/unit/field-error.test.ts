import { describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { fieldError, refusedField } from '../../src/lib/client/field-error';

/** A tRPC refusal as the client gets it: the sentence, and each field's words in `data.fieldErrors`. */
const refusal = (message: string, fieldErrors: Record<string, string[]>) => Object.assign(new TRPCClientError(message), { data: { code: 'BAD_REQUEST', fieldErrors } });

describe('fieldError', () => {
	it("says a refused input beside its field without the field's name, as the form's own checks do", () => {
		const e = refusal('Email: Enter a valid email address, like name@example.com.', { email: ['Enter a valid email address, like name@example.com.'] });
		expect(fieldError(e, 'email')).toBe('Enter a valid email address, like name@example.com.');
		expect(refusedField(e, ['name', 'email'])).toEqual(['email', 'Enter a valid email address, like name@example.com.']);
	});

	it("says any other refusal of the field in the server's sentence, and nothing for a field it does not name", () => {
		const e = refusal('leo@quota.test is already in this team.', { email: ['Already in this team.'] });
		expect(fieldError(e, 'email')).toBe('leo@quota.test is already in this team.');
		expect(fieldError(e, 'name')).toBeNull();
		expect(fieldError(new Error('offline'), 'email')).toBeNull();
	});
});
