// What the admin console's routers share: the actor of an audited change and the common fields.
import { z } from 'zod';
import { atMostCharacters, catalogKey, readableText } from '../../../fields';
import type { Context } from '../../init';
import type { Auth } from '../../../accounts';
import type { AdminActor } from '../../../admin';
import { MAX_TOKENS } from '../../../ledger';
import { NONE, UNLIMITED } from '../../../../limit-choice';

export type AdminContext = Context & { auth: Auth };
export const actor = (ctx: AdminContext): AdminActor => ({ userId: ctx.auth.user.id, ip: ctx.ip });

export const key = catalogKey;
export const name = readableText(atMostCharacters(z.string().trim().min(1), 120));
export const tokens = z.number().int().min(0).max(MAX_TOKENS);
/** A keyset page cursor made by the list it goes back to. */
export const cursor = z.string().max(400);
/** null = unlimited / none. */
export const limit = tokens.nullable();
/** A Limits page field: tokens, 'unlimited' or 'none', chosen; null = left empty, which the domain refuses where it applies (lib/limit-choice.ts). */
export const limitChoice = z.union([tokens, z.literal(UNLIMITED), z.literal(NONE)]).nullable();
export const period = z.enum(['daily', 'weekly', 'monthly', 'never']);
