CREATE TABLE "change_version" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
INSERT INTO "change_version" ("id", "version") VALUES (1, 0);
--> statement-breakpoint
-- A trigger rather than a call in each repository: every writer of objects and keys (the server, a
-- migration, an operator's SQL) bumps the version, in the writer's own transaction, so a version an
-- instance has read never runs ahead of what it can load.
CREATE FUNCTION "grove_bump_change_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE "change_version" SET "version" = "version" + 1 WHERE "id" = 1;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "objects_change_version" AFTER INSERT OR UPDATE OR DELETE ON "objects" FOR EACH STATEMENT EXECUTE FUNCTION "grove_bump_change_version"();
--> statement-breakpoint
CREATE TRIGGER "api_keys_change_version" AFTER INSERT OR UPDATE OR DELETE ON "api_keys" FOR EACH STATEMENT EXECUTE FUNCTION "grove_bump_change_version"();
