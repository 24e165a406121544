/**
 * /staff/verify?token=…: the link from the sign-in email. Opening it only shows a button
 * (mail scanners that fetch links do not use up the token); pressing it signs in.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { StaffErrorBoundary } from "~/components/staff-ui";
import { consumeSignInLink, peekSignInLink, requireSameOrigin, startStaffSession } from "~/modules/auth/auth.server";
import { useStaffT } from "~/modules/staff/use-staff";

const TokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = TokenSchema.safeParse(new URL(request.url).searchParams.get("token"));
  if (!token.success) return { valid: false as const, token: "" };
  const found = await peekSignInLink(context.db, token.data);
  return { valid: Boolean(found), token: found ? token.data : "" };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request, context);
  const form = await request.formData();
  const token = TokenSchema.safeParse(form.get("token"));
  const staff = token.success ? await consumeSignInLink(context.db, token.data, context.clientIp ?? null) : null;
  if (!staff) return Response.json({ invalid: true }, { status: 400 });
  return startStaffSession(request, context, staff, "/staff");
}

export default function Verify() {
  const t = useStaffT();
  const { valid, token } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  return (
    <div className="staff-page narrow">
      <h1>{t.signIn.verifyTitle}</h1>
      {valid && !failed ? (
        <Form method="post">
          <input type="hidden" name="token" value={token} />
          <button type="submit">{t.signIn.verifySubmit}</button>
        </Form>
      ) : (
        <>
          <p role="alert">{t.signIn.linkInvalid}</p>
          <p>
            <Link to="/staff/sign-in">{t.signIn.requestNew}</Link>
          </p>
        </>
      )}
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;
