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
