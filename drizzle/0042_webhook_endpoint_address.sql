-- One webhook endpoint per address: two endpoints at one URL got every event twice, signed with two
-- secrets. `address` is the URL as one address (webhooks/endpoints.ts `endpointAddress`: scheme and
-- host in lower case, no default port, no fragment, no trailing slash on the path), unique.
ALTER TABLE "webhook_endpoints" ADD COLUMN "address" text;--> statement-breakpoint
-- The same in SQL for the endpoints there are (their URLs passed the API's pattern: http(s)://host[:port][path]).
-- Where several share an address, the oldest enabled one keeps it (the oldest, when none is enabled);
-- the others are turned off, with no address, a reason naming the endpoint that has their URL, and an
-- audit entry: the site gets each event once, from the endpoint it has had longest.
WITH parts AS (
  SELECT e."id", e."url", e."description", e."enabled", e."created_at",
         lower(m[1]) AS scheme, lower(m[2]) AS host, m[3] AS port, m[4] AS path, coalesce(m[5], '') AS query
    FROM "webhook_endpoints" e
   CROSS JOIN LATERAL (SELECT regexp_match(e."url", '^([A-Za-z]+)://([^/:?#]+)(?::(\d+))?([^?#]*)(\?[^#]*)?')) r(m)
   WHERE e."address" IS NULL),
keyed AS (
  SELECT p."id", p."url", p."description", p."enabled", p."created_at",
         p.scheme || '://' || p.host
           || CASE WHEN p.port IS NULL OR (p.scheme = 'http' AND p.port::int = 80) OR (p.scheme = 'https' AND p.port::int = 443) THEN '' ELSE ':' || p.port::int END
           || regexp_replace(p.path, '/+$', '') || p.query AS address
    FROM parts p),
ranked AS (
  SELECT k.*, row_number() OVER w AS n, first_value(k."id") OVER w AS kept_id,
         first_value(CASE WHEN k."description" = '' THEN 'The endpoint at ' || k."url"
                          ELSE 'The endpoint “' || k."description" || '” (' || k."url" || ')' END) OVER w AS kept
    FROM keyed k
  WINDOW w AS (PARTITION BY k.address ORDER BY k."enabled" DESC, k."created_at", k."id")),
keep AS (
  UPDATE "webhook_endpoints" e SET "address" = r.address FROM ranked r WHERE e."id" = r."id" AND r.n = 1),
retired AS (
  UPDATE "webhook_endpoints" e
     SET "enabled" = false,
         "disabled_reason" = CASE WHEN r."enabled" THEN r.kept || ' has this URL: this one got every event a second time, so it was turned off. Delete it, or give it another URL.' ELSE e."disabled_reason" END,
         "disabled_at" = CASE WHEN r."enabled" THEN now() ELSE e."disabled_at" END,
         "updated_at" = now()
    FROM ranked r
   WHERE e."id" = r."id" AND r.n > 1
  RETURNING e."id", e."url", e."disabled_reason", r."enabled" AS was_enabled, r.kept_id)
INSERT INTO "audit_log" ("action", "actor_kind", "target_type", "target_id", "before", "after", "detail")
SELECT 'webhook_endpoint.disabled', 'system', 'webhook_endpoint', t."id"::text,
       jsonb_build_object('enabled', true), jsonb_build_object('enabled', false),
       jsonb_build_object('url', t."url", 'reason', t."disabled_reason", 'kept_endpoint_id', t.kept_id)
  FROM retired t
 WHERE t.was_enabled;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_endpoints_address" ON "webhook_endpoints" USING btree ("address");
