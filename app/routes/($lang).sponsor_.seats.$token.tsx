/** The primary contact's seat management, reached through the signed link in their email (no password). */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { RouteError } from "~/components/route-error";
import { z } from "zod";
import { getSeatOverview, inviteSeat, removeSeat } from "~/modules/corporate/seats.server";
import { verifySeatManageToken } from "~/modules/corporate/tokens.server";
import { formatDate, formatPersonName } from "~/modules/i18n/format";
import { dictionary, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";
import { formStrings } from "~/modules/forms";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["sponsor"] };
export const clientLoader = withStrings(["sponsor"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").seats.metaTitle },
  { name: "robots", content: "noindex" },
  { name: "referrer", content: "no-referrer" },
];

function requireCompany(env: Parameters<typeof verifySeatManageToken>[0], token: string | undefined) {
  const membershipId = verifySeatManageToken(env, token ?? "");
  if (!membershipId) throw new Response("Not Found", { status: 404 });
  return membershipId;
}

export async function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const membershipId = requireCompany(context.env, params.token);
  const overview = await getSeatOverview(context, membershipId);
  if (!overview) throw new Response("Not Found", { status: 404 });
  return { locale, overview };
}

const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("invite"), email: z.string().max(254), locale: z.enum(["en", "ja"]) }),
  z.object({ intent: z.literal("remove"), seat: z.uuid() }),
]);

type ActionResult =
  | { kind: "invited"; email: string }
  | { kind: "removed" }
  | { kind: "error"; error: "notFound" | "notActive" | "seatsFull" | "alreadySeat" | "invalidEmail" | "invalidLink"; seats?: number; email?: string };

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireLocale(params);
  const membershipId = requireCompany(context.env, params.token);
  const parsed = ActionSchema.safeParse(formStrings(await request.formData()));
  if (!parsed.success) return data<ActionResult>({ kind: "error", error: "invalidEmail" }, { status: 400 });
  if (parsed.data.intent === "remove") {
    const ok = await removeSeat(context, membershipId, parsed.data.seat);
    return data<ActionResult>(ok ? { kind: "removed" } : { kind: "error", error: "notFound" }, { status: ok ? 200 : 404 });
  }
  const result = await inviteSeat(context, membershipId, { email: parsed.data.email, locale: parsed.data.locale });
  if (result.ok) return data<ActionResult>({ kind: "invited", email: parsed.data.email.trim() });
  return data<ActionResult>(
    { kind: "error", error: result.error, seats: result.seats, email: parsed.data.email },
    { status: result.error === "seatsFull" ? 409 : 400 },
  );
}

export default function ManageSeats() {
  const { overview } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const s = t.seats;
  const error = result?.kind === "error" ? (result.error === "seatsFull" ? s.errors.seatsFull(result.seats ?? overview.seats) : s.errors[result.error]) : null;
  return (
    <div className="page narrow">
      <h1>{s.heading(overview.organisationName[locale])}</h1>
      <p>
        {overview.tierName[locale]} — <span data-seat-usage>{s.usage(overview.holders.length, overview.seats)}</span>
      </p>
      {!overview.active ? <p className="notice">{s.notActive}</p> : null}
      <div role="status">
        {result?.kind === "invited" ? <p className="notice">{s.invited(result.email)}</p> : null}
        {result?.kind === "removed" ? <p className="notice">{s.removed}</p> : null}
      </div>
      <h2>{s.holders}</h2>
      {overview.holders.length === 0 ? <p>{s.none}</p> : null}
      <ul>
        {overview.holders.map((h) => (
          <li key={h.seatMembershipId}>
            {formatPersonName(h, locale)} &lt;{h.email}&gt;{" "}
            <Form method="post" style={{ display: "inline" }}>
              <input type="hidden" name="intent" value="remove" />
              <input type="hidden" name="seat" value={h.seatMembershipId} />
              <button type="submit" className="button">
                {s.remove}
              </button>
            </Form>
          </li>
        ))}
      </ul>
      {overview.pending.length > 0 ? (
        <section aria-labelledby="pending-heading">
          <h2 id="pending-heading">{s.pendingHeading}</h2>
          <p className="hint">{s.pendingLead}</p>
          <ul data-pending-invitations>
            {overview.pending.map((p) => (
              <li key={p.email}>{s.pendingItem(p.email, formatDate(p.sentAt, locale), formatDate(p.expiresAt, locale))}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {overview.active ? (
        <Form method="post" noValidate>
          <fieldset>
            <legend>{s.inviteLegend}</legend>
            <input type="hidden" name="intent" value="invite" />
            <div className="field">
              <label htmlFor="email">{s.email}</label>
              <input
                id="email"
                name="email"
                type="email"
                defaultValue={result?.kind === "error" ? (result.email ?? "") : ""}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? "email-error" : undefined}
              />
              {error ? (
                <p className="field-error" id="email-error" role="alert">
                  {error}
                </p>
              ) : null}
            </div>
            <fieldset className="field">
              <legend>{s.language}</legend>
              {(["en", "ja"] as const).map((l) => (
                <label key={l} className="choice">
                  <input type="radio" name="locale" value={l} defaultChecked={l === locale} /> {l === "en" ? "English" : "日本語"}
                </label>
              ))}
            </fieldset>
            <button type="submit" className="button primary">
              {s.invite}
            </button>
          </fieldset>
        </Form>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError expected={(t, e) => (e.status === 404 ? { title: t.errors.genericTitle, text: t.seats.invalidLink } : null)} />;
}
