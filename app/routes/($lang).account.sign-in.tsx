/**
 * /account/sign-in: a member asks for a sign-in email (a link and a 6-digit code), then either
 * opens the link or types the code here, on the device that asked (member-auth.server.ts).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FieldError, TextField } from "~/components/form-fields";
import { RouteError } from "~/components/route-error";
import { appUrlOf, requireSameOrigin, sessionOf } from "~/modules/auth/auth.server";
import {
  checkMemberCode,
  forgetPendingSignIn,
  pendingSignInOf,
  rememberPendingSignIn,
  requestMemberSignIn,
  safeAccountNext,
  startMemberSession,
} from "~/modules/auth/member-auth.server";
import { dictionary, localePath, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { normaliseDigits } from "~/modules/people/join.fields";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useT } from "~/modules/i18n/use-locale";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["account"] };
export const clientLoader = withStrings(["account"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").accountSignIn.metaTitle },
  { name: "robots", content: "noindex" },
];

const EmailSchema = z.email().max(254);
const SIGNED_OUT = ["here", "everywhere"] as const;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const url = new URL(request.url);
  if ((await sessionOf(request, context))?.personId) throw redirect(safeAccountNext(url.searchParams.get("next"), locale));
  const signedOut = SIGNED_OUT.find((s) => s === url.searchParams.get("signed-out")) ?? null;
  return { locale, pending: Boolean(await pendingSignInOf(request, context)), signedOut };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  requireSameOrigin(request, context);
  const form = await request.formData();
  const next = safeAccountNext(String(form.get("next") ?? ""), locale);
  const intent = form.get("intent");
  if (intent === "restart") {
    const here = `${localePath(locale, "/account/sign-in")}?${new URLSearchParams({ next })}`;
    throw redirect(here, { headers: { "Set-Cookie": await forgetPendingSignIn(request, context) } });
  }
  if (intent === "code") {
    // Typed as the email shows it, or with spaces, hyphens or full-width digits (０４２ ９１７).
    const code = normaliseDigits(String(form.get("code") ?? "")).replace(/[\s\u3000-]/g, "");
    if (!/^\d{6}$/.test(code)) return data({ status: "code_format" as const, email: "" }, { status: 400 });
    const personId = await checkMemberCode(context.db, { pendingId: await pendingSignInOf(request, context), code, ip: context.clientIp ?? null });
    if (!personId) return data({ status: "code_invalid" as const, email: "" }, { status: 400 });
    throw await startMemberSession(request, context, personId, next);
  }
  const email = String(form.get("email") ?? "").trim();
  const parsed = EmailSchema.safeParse(email);
  if (!parsed.success) return data({ status: "invalid" as const, email }, { status: 400 });
  const result = await requestMemberSignIn(context.db, { email: parsed.data, ip: context.clientIp ?? null, appUrl: appUrlOf(context, request), next });
  if (result.status === "rate_limited") return data({ status: "rate_limited" as const, email }, { status: 429 });
  return data({ status: "sent" as const, email }, { headers: { "Set-Cookie": await rememberPendingSignIn(request, context, result.pendingId) } });
}

export default function AccountSignIn() {
  const { pending, signedOut } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const t = useT().accountSignIn;
  const next = params.get("next") ?? "";
  const askCode =
    result?.status === "sent" ||
    result?.status === "code_invalid" ||
    result?.status === "code_format" ||
    (pending && result?.status !== "invalid" && result?.status !== "rate_limited");
  const codeError = result?.status === "code_invalid" ? t.codeInvalid : result?.status === "code_format" ? t.codeFormat : undefined;

  if (askCode) {
    return (
      <div className="page narrow">
        <h1>{t.sentHeading}</h1>
        <div role="status" aria-live="polite">
          {result?.status === "sent" ? <p>{t.sent(result.email)}</p> : null}
        </div>
        <p>{t.linkHint}</p>
        <Form method="post" noValidate className="stack">
          <input type="hidden" name="intent" value="code" />
          <input type="hidden" name="next" value={next} />
          <div className="field">
            <label htmlFor="code">{t.code}</label>
            <input
              id="code"
              name="code"
              className="code-input"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={12}
              aria-invalid={codeError ? true : undefined}
              aria-describedby={codeError ? "code-error" : undefined}
              aria-required
              autoFocus={Boolean(codeError)}
            />
            <FieldError id="code-error" message={codeError} />
          </div>
          <button type="submit" className="button primary" disabled={busy}>
            {t.codeSubmit}
          </button>
        </Form>
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="restart" />
          <input type="hidden" name="next" value={next} />
          <button type="submit" className="button link">
            {t.restart}
          </button>
        </Form>
      </div>
    );
  }

  const emailError = result?.status === "invalid" ? t.invalidEmail : undefined;
  return (
    <div className="page narrow">
      <h1>{t.heading}</h1>
      {signedOut ? (
        <p role="status" className="notice">
          {signedOut === "everywhere" ? t.signedOutEverywhere : t.signedOut}
        </p>
      ) : null}
      {result?.status === "rate_limited" ? (
        <p role="alert" className="notice notice--error">
          {t.rateLimited}
        </p>
      ) : null}
      <p>{t.lead}</p>
      <Form method="post" noValidate className="stack">
        <input type="hidden" name="intent" value="request" />
        <input type="hidden" name="next" value={next} />
        <TextField name="email" type="email" label={t.email} autoComplete="email" value={result?.email ?? ""} error={emailError} optionalLabel="" />
        <button type="submit" className="button primary" disabled={busy}>
          {t.submit}
        </button>
      </Form>
      <p className="hint">
        <Link to="/staff/sign-in" reloadDocument>
          {t.staffNote}
        </Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
