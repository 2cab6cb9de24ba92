CREATE TABLE "metric_rollups" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"bucket_seconds" integer NOT NULL,
	"instance_id" text NOT NULL,
	"model_id" text NOT NULL,
	"key_id" text NOT NULL,
	"requests" integer NOT NULL,
	"errors" integer NOT NULL,
	"failovers" integer NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cost_usd" double precision NOT NULL,
	"latency" text NOT NULL,
	"ttft" text
);
--> statement-breakpoint
CREATE INDEX "metric_rollups_bucket" ON "metric_rollups" USING btree ("bucket_seconds","bucket_start");