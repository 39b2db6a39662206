// Words the embedded views share: the <quota-usage> widget (widget/quota-usage.js, a classic script that
// imports nothing, says them in its own texts, held to these by tests/unit/widget-words.test.ts) and the
// embedded store (/embed/store).

/** An embed token's or store ticket's member is no longer in the team (refusal reason `not_member`). */
export const NOT_MEMBER = 'This member is no longer in the team.';
