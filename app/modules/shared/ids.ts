/** Row ids: UUIDs, as PostgreSQL's uuid type and gen_random_uuid() make them. Safe for the browser. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value from outside (a link, metadata, a form) can be a row id at all: anything else is never looked up. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}
