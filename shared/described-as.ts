import { z } from 'zod';

/**
 * A request field that any value passes, described in the OpenAPI document as `schema`: for a
 * field its procedure checks itself (against the registry too, so that one answer lists every
 * problem, where the schema's first refusal would hide the registry's), or one it ignores (an
 * object's read-only `status`). The union tries `z.unknown()` first and stops at that first
 * match, so `schema` never runs; the document shows only `schema`'s branch.
 */
export function describedAs<S extends z.ZodType>(schema: S) {
  return z.union([z.unknown(), schema]).meta({
    override: ({ jsonSchema }: { jsonSchema: { anyOf?: object[] } }) => {
      const described = jsonSchema.anyOf?.[1];
      delete jsonSchema.anyOf;
      Object.assign(jsonSchema, described);
    },
  });
}

/**
 * A response field its procedure builds itself from values the registry has checked, typed and
 * described in the OpenAPI document as `schema` but not parsed on the way out: the answer to a
 * 10,000-object apply is 10,000 results, and parsing them was one block of 10–15 ms on the serving
 * thread (a cold parser's first run) for a value the type checker already vouches for.
 */
export function returnedAs<S extends z.ZodType>(schema: S): z.ZodType<z.output<S>> {
  return describedAs(schema) as unknown as z.ZodType<z.output<S>>;
}
