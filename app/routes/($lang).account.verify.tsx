/**
 * /account/verify?token=…: the link in a member's sign-in email. Opening it only shows a button
 * (mail scanners that fetch links do not use it up); pressing it signs in on this device.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { RouteError } from "~/components/route-error";
import { requireSameOrigin } from "~/modules/auth/auth.server";
import { consumeMemberLink, peekMemberLink, safeAccountNext, startMemberSession } from "~/modules/auth/member-auth.server";
import { dictionary, localePath, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["account"] };
export const clientLoader = withStrings(["account"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").accountVerify.metaTitle },
  { name: "robots", content: "noindex" },
  // The token never leaves the site in a Referer; "no-referrer" would also make the browser send
  // `Origin: null` on this document's later form posts (sign-out), which the origin check refuses.
  { name: "referrer", content: "same-origin" },
];

const TokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const query = new URL(request.url).searchParams;
  const token = TokenSchema.safeParse(query.get("token"));
  const valid = token.success && (await peekMemberLink(context.db, token.data));
  const next = safeAccountNext(query.get("next"), locale);
  return data(
    { locale, valid, token: valid && token.success ? token.data : "", next },
    { headers: { "Referrer-Policy": "same-origin", "Cache-Control": "no-store" } },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  requireSameOrigin(request, context);
  const form = await request.formData();
  const token = TokenSchema.safeParse(form.get("token"));
  const personId = token.success ? await consumeMemberLink(context.db, token.data, context.clientIp ?? null) : null;
  if (!personId) return data({ invalid: true }, { status: 400 });
  throw await startMemberSession(request, context, personId, safeAccountNext(String(form.get("next") ?? ""), locale));
}

export default function AccountVerify() {
  const { valid, token, next } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const locale = useLocale();
  const t = useT().accountVerify;
  return (
    <div className="page narrow">
      <h1>{t.heading}</h1>
      {valid && !failed ? (
        <Form method="post" className="stack">
          <p>{t.lead}</p>
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="next" value={next} />
          <button type="submit" className="button" disabled={busy}>
            {t.submit}
          </button>
        </Form>
      ) : (
        <>
          <p role="alert">{t.invalid}</p>
          <p>
            <Link to={localePath(locale, "/account/sign-in")}>{t.requestNew}</Link>
          </p>
        </>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
