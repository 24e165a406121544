/** Small building blocks of the staff console: accessible fields, confirmations, errors. */
import { Form, isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
import { formatMoney } from "~/modules/i18n/format";
import { dictionary, type Locale } from "~/modules/i18n/i18n";
import { useStaffLayout, useStaffT } from "~/modules/staff/use-staff";

export type FieldErrors = Record<string, string | undefined>;

export function Field(props: {
  name: string;
  label: string;
  errors?: FieldErrors;
  defaultValue?: string | number | null;
  type?: string;
  required?: boolean;
  hint?: string;
  autoComplete?: string;
  idPrefix?: string;
  children?: ReactNode;
}) {
  const id = `${props.idPrefix ?? "f"}-${props.name}`;
  const error = props.errors?.[props.name];
  const describedBy = [props.hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint ? (
        <p id={`${id}-hint`} className="hint">
          {props.hint}
        </p>
      ) : null}
      {props.children ? (
        <select id={id} name={props.name} defaultValue={props.defaultValue ?? ""} aria-invalid={error ? true : undefined} aria-describedby={describedBy}>
          {props.children}
        </select>
      ) : (
        <input
          id={id}
          name={props.name}
          type={props.type ?? "text"}
          defaultValue={props.defaultValue ?? ""}
          required={props.required}
          autoComplete={props.autoComplete}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
      )}
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function ConfirmBox({ errors, idPrefix }: { errors?: FieldErrors; idPrefix: string }) {
  const t = useStaffT();
  const id = `${idPrefix}-confirm`;
  const error = errors?.confirm;
  return (
    <div className="field field--check">
      <input id={id} type="checkbox" name="confirm" value="yes" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      <label htmlFor={id}>{t.member.confirmLabel}</label>
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function StaffErrorBoundary() {
  const error = useRouteError();
  const t = useStaffT();
  if (!isRouteErrorResponse(error)) console.error(error);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <div className="staff-page" role="alert">
      <h1>{status === 403 ? t.forbidden : status === 404 ? t.notFound : t.errorTitle}</h1>
      {status >= 500 ? <p>{t.errorText}</p> : null}
      <p>
        <Link to="/staff">{t.dashboard}</Link>
      </p>
    </div>
  );
}

/**
 * One staff action, folded until opened, beside what it changes: its fields, then the
 * confirmation and the button on one line. Opens by itself when the action came back with errors;
 * an error about a value the panel holds hidden (the membership) shows at its top.
 */
export function ActionPanel(props: {
  title: string;
  intent: string;
  idPrefix: string;
  errors?: FieldErrors;
  hint?: string;
  submit?: string;
  danger?: boolean;
  hidden?: Record<string, string>;
  children?: ReactNode;
}) {
  const hiddenErrors = Object.keys(props.hidden ?? {})
    .map((name) => props.errors?.[name])
    .filter(Boolean);
  return (
    <details className={props.danger ? "action action--danger" : "action"} open={props.errors ? true : undefined} data-action={props.intent}>
      <summary>{props.title}</summary>
      <Form method="post" noValidate className="action__form">
        <input type="hidden" name="intent" value={props.intent} />
        {Object.entries(props.hidden ?? {}).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {hiddenErrors.map((error) => (
          <p key={error} className="field-error" role="alert">
            {error}
          </p>
        ))}
        {props.hint ? <p className="hint">{props.hint}</p> : null}
        {props.children}
        <div className="action__confirm">
          <ConfirmBox idPrefix={props.idPrefix} errors={props.errors} />
          <button type="submit" className={props.danger ? "btn btn--danger" : "btn btn--primary"}>
            {props.submit ?? props.title}
          </button>
        </div>
      </Form>
    </details>
  );
}

const STATUS_TONES: Record<string, string> = {
  active: "good",
  comped: "info",
  completed: "good",
  sent: "good",
  paid: "good",
  pending: "warn",
  past_due: "warn",
  incomplete: "warn",
  sending: "warn",
  open: "warn",
  draft: "neutral",
  lapsed: "bad",
  canceled: "neutral",
  failed: "bad",
  void: "neutral",
  uncollectible: "bad",
  kept_locally: "neutral",
};

/** What a list shows when it has nothing: a sentence in a quiet box, announced to screen readers. */
export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <p className="empty-state" role="status">
      {children}
    </p>
  );
}

/** Moves through a long list: back and on, with where the reader is ("page 2 of 6") between. */
export function Pager(props: { label: string; back?: { to: string; text: string } | null; on?: { to: string; text: string } | null; status?: string }) {
  if (!props.back && !props.on && !props.status) return null;
  return (
    <nav aria-label={props.label} className="pager">
      {props.back ? (
        <Link to={props.back.to} rel="prev" className="btn btn--quiet">
          <span aria-hidden="true">← </span>
          {props.back.text}
        </Link>
      ) : null}
      {props.status ? <span className="pager__status">{props.status}</span> : null}
      {props.on ? (
        <Link to={props.on.to} rel="next" className="btn btn--quiet">
          {props.on.text}
          <span aria-hidden="true"> →</span>
        </Link>
      ) : null}
    </nav>
  );
}

/** A status in words, with a colour that repeats (never replaces) the words. */
export function StatusBadge({ status, label }: { status: string; label: string }) {
  return (
    <span className={`badge badge--${STATUS_TONES[status] ?? "neutral"}`} data-status>
      {label}
    </span>
  );
}

type StaffT = ReturnType<typeof useStaffT>;

/** A detail's value in words: money as money (minor units with their currency), yes/no, lists, nested objects. */
/** A detail's coded value in words (a status, language, role, method, format, preset or column), or undefined. */
function valueName(key: string, value: string, t: StaffT, locale: Locale): string | undefined {
  const names: Record<string, Record<string, string> | undefined> = {
    status: { ...t.statuses, ...t.audit_.exportStatuses },
    statusAfter: t.statuses,
    locale: t.languages,
    preferredLocale: t.languages,
    role: t.roles,
    method: dictionary(locale).receipt.methods,
    format: t.audit_.formats,
    preset: { ...t.list.presets, donations: t.audit_.subjects.donations! },
    columns: t.columns as Record<string, string>,
  };
  return names[key]?.[value];
}

function detailValue(value: unknown, t: StaffT, locale: Locale, key = ""): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? t.yes : t.no;
  if (Array.isArray(value)) return value.map((v) => detailValue(v, t, locale, key)).join(", ");
  if (typeof value === "object")
    return detailEntries(value as Record<string, unknown>, locale)
      .map(([k, v]) => `${detailKey(k, t)}: ${detailValue(v, t, locale, k)}`)
      .join("; ");
  return (typeof value === "string" ? valueName(key, value, t, locale) : undefined) ?? String(value);
}

const detailKey = (key: string, t: StaffT) => (t.audit_.detailKeys as Record<string, string>)[key] ?? key;

/** An object's entries, with `amount` and `currency` shown as one amount of money. */
function detailEntries(details: Record<string, unknown>, locale: Locale): [string, unknown][] {
  const { amount, currency } = details;
  if (Number.isSafeInteger(amount) && (currency === "USD" || currency === "JPY"))
    return Object.entries(details)
      .filter(([k]) => k !== "currency")
      .map(([k, v]) => [k, k === "amount" ? formatMoney(amount as number, currency, locale) : v]);
  return Object.entries(details);
}

/** An audit entry's action in words, in the console's language (its code on hover). */
export function AuditActionName({ action }: { action: string }) {
  const t = useStaffT();
  const actions: Record<string, string> = t.audit_.actions;
  return <span title={action}>{actions[action] ?? action}</span>;
}

/** An audit entry's details as a short list of name: value lines (not raw JSON). */
export function AuditDetails({ details }: { details: unknown }) {
  const t = useStaffT();
  const { locale } = useStaffLayout();
  if (details === null || typeof details !== "object" || Array.isArray(details)) return <>{detailValue(details, t, locale)}</>;
  const entries = detailEntries(details as Record<string, unknown>, locale);
  if (!entries.length) return <>—</>;
  return (
    <dl className="kv">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt title={key}>{detailKey(key, t)}</dt>
          <dd>{detailValue(value, t, locale, key)}</dd>
        </div>
      ))}
    </dl>
  );
}
