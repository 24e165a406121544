/**
 * The public forms' controls (join, sponsor, donate): a label, an optional hint, the control,
 * and the error next to it, wired for screen readers (aria-invalid, aria-describedby).
 */
import { useEffect, useRef, type ReactNode } from "react";

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}

export interface TextFieldProps {
  name: string;
  label: string;
  value: string;
  error?: string;
  hint?: string;
  type?: string;
  autoComplete?: string;
  /** When false, the label says so with `optionalLabel` (" (optional)", "（任意）": the space, where the language has one, is in the string). */
  required?: boolean;
  optionalLabel: string;
  lang?: string;
  /** The id of a hint shown outside the field (one hint for a row of fields). */
  describedBy?: string;
}

export function TextField(props: TextFieldProps) {
  const { name, hint, error } = props;
  const describedBy = [props.describedBy, hint ? `${name}-hint` : undefined, error ? `${name}-error` : undefined].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={name}>
        {props.label}
        {props.required === false ? <span className="muted">{props.optionalLabel}</span> : null}
      </label>
      {hint ? (
        <p className="hint" id={`${name}-hint`}>
          {hint}
        </p>
      ) : null}
      <input
        id={name}
        name={name}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        defaultValue={props.value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        aria-required={props.required === false ? undefined : true}
        lang={props.lang}
      />
      <FieldError id={`${name}-error`} message={error} />
    </div>
  );
}

export function RadioGroup(props: { name: string; legend: string; value: string | undefined; error?: string; choices: { value: string; label: ReactNode }[] }) {
  const { name, error } = props;
  return (
    <fieldset className="field" aria-invalid={error ? true : undefined} aria-describedby={error ? `${name}-error` : undefined}>
      <legend>{props.legend}</legend>
      {props.choices.map((choice) => (
        <label key={choice.value} className="choice">
          <input type="radio" name={name} value={choice.value} defaultChecked={props.value === choice.value} /> {choice.label}
        </label>
      ))}
      <FieldError id={`${name}-error`} message={error} />
    </fieldset>
  );
}

/**
 * The list of what to correct, above a form: each item links to its field. It takes focus (and
 * is announced) whenever a submission comes back with errors; `trigger` is what changes then
 * (the action's answer or the browser's own check).
 */
export function ErrorSummary(props: { heading: string; formError?: string | null; items: { field: string; message?: string }[]; trigger: unknown }) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = props.items.length > 0 || Boolean(props.formError);
  useEffect(() => {
    if (shown) ref.current?.focus();
  }, [props.trigger]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div ref={ref} tabIndex={-1} className={shown ? "error-summary" : undefined} role={shown ? "alert" : undefined}>
      {props.formError ? <p>{props.formError}</p> : null}
      {props.items.length > 0 ? (
        <>
          <p>{props.heading}</p>
          <ul>
            {props.items.map(({ field, message }) => (
              <li key={field}>
                <a href={`#${field}`}>{message}</a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
