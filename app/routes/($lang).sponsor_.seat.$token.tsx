/** An employee accepts a seat offered by their company (the signed link in the invitation email). */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { fieldMessages, formStrings } from "~/modules/forms";
import { RouteError } from "~/components/route-error";
import { z } from "zod";
import { acceptSeatInvitation, getSeatInvitation } from "~/modules/corporate/seats.server";
import { dictionary, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["sponsor"] };
export const clientLoader = withStrings(["sponsor"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").seats.metaTitle },
  { name: "robots", content: "noindex" },
  { name: "referrer", content: "no-referrer" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const invitation = await getSeatInvitation(context, params.token ?? "");
  if (!invitation) throw new Response("Not Found", { status: 404 });
  return { locale, invitation };
}

const name = z
  .string()
  .trim()
  .min(1, "required")
  .max(100, "required")
  .refine((v) => !/[<>"`{}\\;=|]/.test(v), "required");
const AcceptSchema = z.object({ familyName: name, givenName: name });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  const form = formStrings(await request.formData());
  const parsed = AcceptSchema.safeParse(form);
  const values = { familyName: String(form.familyName ?? "").slice(0, 100), givenName: String(form.givenName ?? "").slice(0, 100) };
  if (!parsed.success) {
    const fields = fieldMessages(parsed.error.issues, () => true);
    return data({ accepted: false as const, fields, error: null, seats: null as number | null, values }, { status: 400 });
  }
  const result = await acceptSeatInvitation(context, params.token ?? "", { ...parsed.data, preferredLocale: locale });
  if (!result.ok) return data({ accepted: false as const, fields: {}, error: result.error, seats: result.seats ?? null, values }, { status: 409 });
  return { accepted: true as const, fields: {}, error: null, seats: null, values };
}

export default function AcceptSeat() {
  const { invitation } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const s = t.seats;
  const org = invitation.organisationName[locale];
  if (result?.accepted) {
    return (
      <div className="page narrow" role="status">
        <h1>{s.acceptHeading(org)}</h1>
        <p data-seat-accepted>{s.accepted}</p>
      </div>
    );
  }
  const fields = (result?.fields ?? {}) as Record<string, boolean>;
  const formError = result?.error ? (result.error === "seatsFull" ? s.errors.seatsFull(result.seats ?? 0) : s.errors[result.error]) : null;
  const field = (key: "familyName" | "givenName", label: string) => (
    <div className="field">
      <label htmlFor={key}>{label}</label>
      <input
        id={key}
        name={key}
        defaultValue={result?.values[key] ?? ""}
        aria-invalid={fields[key] ? true : undefined}
        aria-describedby={fields[key] ? `${key}-error` : undefined}
      />
      {fields[key] ? (
        <p className="field-error" id={`${key}-error`}>
          {s.required}
        </p>
      ) : null}
    </div>
  );
  return (
    <div className="page narrow">
      <h1>{s.acceptHeading(org)}</h1>
      <p>{s.acceptLead(org, invitation.tierName[locale])}</p>
      <p>{invitation.email}</p>
      {formError ? (
        <p className="error-summary" role="alert">
          {formError}
        </p>
      ) : null}
      {!invitation.active ? <p className="notice">{s.notActive}</p> : null}
      <Form method="post" noValidate>
        <div className="field-row">
          {field("familyName", s.familyName)}
          {field("givenName", s.givenName)}
        </div>
        <button type="submit" className="button primary">
          {s.accept}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError expected={(t, e) => (e.status === 404 ? { title: t.errors.genericTitle, text: t.seats.errors.invalidLink } : null)} />;
}
