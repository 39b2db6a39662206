-- The account statement (ledger/statement.ts) pages through grants, expiries, clawbacks and
-- adjustments with this index; spending comes from operations_history_idx. Consumes are not in it,
-- so the metering hot path writes no extra index entry.
CREATE INDEX "operations_statement_idx" ON "operations" USING btree ("account_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "operations"."status" = 'ok' and "operations"."kind" in ('grant', 'expire', 'clawback', 'adjust');
