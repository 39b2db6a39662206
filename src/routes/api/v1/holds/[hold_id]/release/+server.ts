import { closeHoldEndpoint } from '$lib/server/rest/holds';
import { emptyBody } from '$lib/server/rest/schemas';
import { release } from '$lib/server/ledger';

export const POST = closeHoldEndpoint(emptyBody, (exec, holdId, _body, idempotency) => release(exec, holdId, idempotency));
