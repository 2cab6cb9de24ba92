CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"hash" text NOT NULL,
	"prefix" text NOT NULL,
	"scopes" text[] NOT NULL,
	"rate_limit_per_minute" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"kind" text,
	"object_id" text,
	"revision" integer,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "objects" (
	"kind" text NOT NULL,
	"id" text NOT NULL,
	"metadata" jsonb NOT NULL,
	"spec" jsonb NOT NULL,
	"revision" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "objects_kind_id_pk" PRIMARY KEY("kind","id")
);
--> statement-breakpoint
CREATE TABLE "request_log" (
	"id" text PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"key_id" text,
	"requested_model" text NOT NULL,
	"served_model" text,
	"rule" text,
	"outcome" text NOT NULL,
	"status" integer NOT NULL,
	"error_kind" text,
	"stream" boolean DEFAULT false NOT NULL,
	"latency_ms" double precision NOT NULL,
	"ttft_ms" double precision,
	"prompt_tokens" integer,
	"completion_tokens" integer,
	"cost_usd" double precision,
	"attempts" text NOT NULL,
	"decision" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "revisions" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"object_id" text NOT NULL,
	"revision" integer NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"metadata" jsonb NOT NULL,
	"spec" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_object" ON "audit_log" USING btree ("kind","object_id");--> statement-breakpoint
CREATE INDEX "request_log_at" ON "request_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "request_log_served_model_at" ON "request_log" USING btree ("served_model","at");--> statement-breakpoint
CREATE INDEX "request_log_outcome_at" ON "request_log" USING btree ("outcome","at");--> statement-breakpoint
CREATE UNIQUE INDEX "revisions_object_revision" ON "revisions" USING btree ("kind","object_id","revision");