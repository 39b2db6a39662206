-- A free allowance an owner stops giving (the Limits page's "None: pays from the balance") is ended,
-- not deleted: its windows stay (statements, reports and invariants keep naming the rule), and an ended
-- rule still outranks broader ones, so "None" for one role holds while other users get the all-users
-- limit. Until now "None" was refused once members had used the allowance.
ALTER TABLE "allowance_rules" ADD COLUMN "ended_at" timestamp with time zone;
