-- Unusual-use notices stored before eca5afa keep the words of their day: "At this pace the 1 token left
-- last about 1 minutes." The notices written since say what was left then, and count a minute as hours
-- are counted (anomalies/words.ts): "the 1 token left then would last about 1 minute". The stored texts
-- are rewritten to read the same; their figures stay. A body in today's words has no " left last about ".
UPDATE "notifications"
   SET "detail" = jsonb_set("detail", '{body}', to_jsonb(replace(replace("detail"->>'body', ' left last about ', ' left then would last about '), 'about 1 minutes', 'about 1 minute')))
 WHERE "kind" = 'anomaly' AND "detail"->>'body' LIKE '% left last about %';
