import { closeHoldEndpoint } from '$lib/server/rest/holds';
import { settleBody } from '$lib/server/rest/schemas';
import { settle } from '$lib/server/ledger';

export const POST = closeHoldEndpoint(settleBody, (exec, holdId, body, idempotency) => settle(exec, holdId, body.tokens, idempotency));
