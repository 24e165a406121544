/** Small building blocks of the staff console: accessible fields, confirmations, errors. */
import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
import { useStaffT } from "~/modules/staff/use-staff";

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
