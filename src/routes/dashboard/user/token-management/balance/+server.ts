// The seeds' own path, for apps written against that API: the signed-in user's balance.
export { GET } from '../../../../api/v1/balance/+server';
