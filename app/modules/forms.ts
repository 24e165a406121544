/**
 * The one way a form is read and checked. Every action takes its fields with `formValues`,
 * parses them with its zod schema through `parseForm` (or turns a schema's issues into field
 * errors with `fieldErrors`), and returns the kept values with the errors so the page shows
 * what the person typed, each error translated next to its field.
 *
 * Schemas say what is wrong as a message that is an error key (`"required"`, `"invalidZip"`),
 * one of the form's `*_ERROR_KEYS`; the page looks the key up in its dictionary. Zod's own
 * messages (a wrong type, say) become the form's fallback key.
 *
 * Our own small helper rather than conform: the pages validate on the server only (no zod in
 * the browser, to keep public pages light), and this file imports nothing at run time, so the
 * browser build can share `keepValues` with the components.
 */
import type { z } from "zod";

/** The strings a form sent for these fields (a file, or a field it did not send, is absent). */
export function formValues<F extends string>(form: FormData, fields: readonly F[]): Partial<Record<F, string>> {
  const values: Partial<Record<F, string>> = {};
  for (const field of fields) {
    const value = form.get(field);
    if (typeof value === "string") values[field] = value;
  }
  return values;
}

/** Every string a form sent, by name (the first of a repeated name; files left out): for forms whose schema names the fields. */
export function formStrings(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of form) if (typeof value === "string" && !(name in values)) values[name] = value;
  return values;
}

/** The submitted values to show again, each cut to a sane length. */
export function keepValues<F extends string>(values: Record<string, unknown>, fields: readonly F[]): Partial<Record<F, string>> {
  const kept: Partial<Record<F, string>> = {};
  for (const field of fields) {
    const value = values[field];
    if (typeof value === "string") kept[field] = value.slice(0, 1000);
  }
  return kept;
}

export interface ErrorKeys<K extends string> {
  /** The error keys the form's dictionary translates. */
  keys: readonly K[];
  /** The key for a message that is not one of them (zod's own, for a value of the wrong type). */
  fallback: K;
}

/** Each field's first problem, as `describe` words it. An issue with no field path goes to `rootField` when given. */
export function fieldMessages<F extends string, M>(
  issues: readonly z.core.$ZodIssue[],
  describe: (message: string, field: F) => M,
  rootField?: F,
): Partial<Record<F, M>> {
  const errors: Partial<Record<F, M>> = {};
  for (const issue of issues) {
    const field = (issue.path.length ? String(issue.path[0]) : rootField) as F | undefined;
    if (field === undefined || field in errors) continue;
    errors[field] = describe(issue.message, field);
  }
  return errors;
}

/** Each field's first problem, as an error key (the page translates it). */
export function fieldErrors<F extends string, K extends string>(
  issues: readonly z.core.$ZodIssue[],
  spec: ErrorKeys<K> & { rootField?: F },
): Partial<Record<F, K>> {
  const keys = new Set<string>(spec.keys);
  return fieldMessages<F, K>(issues, (message) => (keys.has(message) ? message : spec.fallback) as K, spec.rootField);
}

export type FormResult<T, F extends string, K extends string> = { ok: true; data: T } | { ok: false; errors: Partial<Record<F, K>> };

/** Parses a form's values with its schema: the data, or each field's first error key. */
export function parseForm<S extends z.ZodType, F extends string, K extends string>(
  schema: S,
  values: Record<string, unknown>,
  spec: ErrorKeys<K> & { rootField?: F },
): FormResult<z.output<S>, F, K> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, errors: fieldErrors<F, K>(result.error.issues, spec) };
}
