/**
 * The cookie in which the embedded store (/embed/store) hands its store ticket to the local Paddle
 * simulator's checkout sheet (an iframe of this origin, which only sends cookies): the sheet's buyer
 * is then the ticket's account. Real Paddle's checkout needs nothing of the kind.
 */
export const STORE_TICKET_COOKIE = 'quota_store_ticket';
