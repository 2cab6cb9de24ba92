CREATE TABLE "circuit_changes" (
	"id" text PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"instance_id" text NOT NULL,
	"model_id" text NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "circuit_changes_at" ON "circuit_changes" USING btree ("at");--> statement-breakpoint
CREATE INDEX "circuit_changes_model_at" ON "circuit_changes" USING btree ("model_id","at");