ALTER TABLE "api_keys" ADD COLUMN "last_used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "attempted_models" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
-- The rows logged before this column: filled from their attempts' JSON. Only the rows where a model
-- other than the one that served was attempted (failovers, failed requests) are rewritten, a small
-- part of the log; the others keep the default, which is their right value.
UPDATE "request_log" SET "attempted_models" = ARRAY(
	SELECT DISTINCT "attempt"->>'modelId' FROM json_array_elements("attempts"::json) AS "attempt"
	WHERE "attempt"->>'modelId' IS DISTINCT FROM "served_model"
)
WHERE ("served_model" IS NULL AND "attempts" <> '[]') OR json_array_length("attempts"::json) > 1;--> statement-breakpoint
CREATE INDEX "request_log_attempted_models" ON "request_log" USING gin ("attempted_models") WHERE "request_log"."attempted_models" <> '{}';--> statement-breakpoint
-- last_used_at is written every few seconds by every instance and is no part of what instances
-- load: writing it alone must not bump the change version (each peer would reload its registry and
-- keys every time). A change to any other column still does: list a new column here.
DROP TRIGGER "api_keys_change_version" ON "api_keys";--> statement-breakpoint
CREATE TRIGGER "api_keys_change_version" AFTER INSERT OR DELETE OR UPDATE OF "id", "name", "hash", "prefix", "scopes", "rate_limit_per_minute", "created_at", "revoked_at" ON "api_keys" FOR EACH STATEMENT EXECUTE FUNCTION "grove_bump_change_version"();
