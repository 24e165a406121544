/** /staff/sign-in: ask for a one-time sign-in link by email. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Field, StaffErrorBoundary } from "~/components/staff-ui";
import { appUrlOf, getStaff, requestSignInLink, requireSameOrigin, safeNext } from "~/modules/auth/auth.server";
import { useStaffT } from "~/modules/staff/use-staff";

const SignInSchema = z.object({ email: z.email().max(254) });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await getStaff(request, context);
  if (staff) throw redirect(safeNext(new URL(request.url).searchParams.get("next")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request, context);
  const form = await request.formData();
  const email = String(form.get("email") ?? "");
  const parsed = SignInSchema.safeParse({ email: email.trim() });
  if (!parsed.success) return Response.json({ status: "invalid" as const, email }, { status: 400 });
  const result = await requestSignInLink(context.db, { email: parsed.data.email, ip: context.clientIp ?? null, appUrl: appUrlOf(context, request) });
  if (result.status === "rate_limited") return Response.json({ status: "rate_limited" as const, email }, { status: 429 });
  return { status: "sent" as const, email };
}

export default function SignIn() {
  const t = useStaffT();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="staff-page narrow">
      <h1>{t.signIn.title}</h1>
      {data?.status === "sent" ? (
        <p role="status" className="notice">
          {t.signIn.sent}
        </p>
      ) : data?.status === "rate_limited" ? (
        <p role="alert" className="notice notice--error">
          {t.signIn.rateLimited}
        </p>
      ) : null}
      <p>{t.signIn.lead}</p>
      <Form method="post" noValidate>
        <input type="hidden" name="next" value={params.get("next") ?? ""} />
        <Field
          name="email"
          type="email"
          label={t.signIn.email}
          autoComplete="email"
          required
          defaultValue={data?.email ?? ""}
          errors={{ email: data?.status === "invalid" ? t.signIn.invalidEmail : undefined }}
        />
        <button type="submit">{t.signIn.submit}</button>
      </Form>
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;
