-- A hold's closing operations (settle, release, expiry) record what paid for them, as a consume
-- does: `paid_by` in their answer, each of the hold's sources less what the close gave back to it
-- (none for a release or an expiry). Before, they recorded none and the usage history showed the
-- hold's sources for the whole hold (a settle of 777 from a hold of 2,000 "paid by … 2,000").
-- The same as quota_hold_kept (drizzle/functions/holds.sql), written out: functions come after migrations.
UPDATE "operations" c
   SET "response" = coalesce(c."response", '{}'::jsonb) || jsonb_build_object('paid_by', (
     SELECT coalesce(jsonb_agg(p.src || jsonb_build_object('tokens', kept.tokens) ORDER BY p.ord) FILTER (WHERE kept.tokens > 0), '[]'::jsonb)
       FROM jsonb_array_elements(coalesce(ho."response"->'paid_by', '[]'::jsonb)) WITH ORDINALITY p(src, ord)
       CROSS JOIN LATERAL (
         SELECT (p.src->>'tokens')::bigint - coalesce(sum(e."amount"), 0) AS tokens
           FROM "entries" e
          WHERE e."operation_id" = c."id"
            AND CASE WHEN p.src->>'type' = 'lot' THEN e."lot_id" = (p.src->>'id')::uuid ELSE e."window_id" IS NOT NULL END) kept))
  FROM "holds" h JOIN "operations" ho ON ho."id" = h."operation_id"
 WHERE c."hold_id" = h."id" AND c."kind" IN ('settle', 'release', 'expire_hold')
   AND NOT coalesce(c."response" ? 'paid_by', false);--> statement-breakpoint
-- A hold and its close measure no units: a hold's cost is the tokens it holds, a settle's the tokens
-- settled, never units × rate; the 1 they recorded read as "Units 1 word" beside a cost of 777.
UPDATE "operations" SET "units" = NULL WHERE "kind" IN ('hold', 'settle', 'release', 'expire_hold') AND "units" IS NOT NULL;
