/**
 * /staff/emails/:emailId: one email as it was rendered and sent, in its language. The stored
 * HTML is shown in a sandboxed frame (no scripts, no same-origin access).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { StaffErrorBoundary } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { getOutboxEmail } from "~/modules/staff/emails.server";
import { useStaffT } from "~/modules/staff/use-staff";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, "read");
  const email = await getOutboxEmail(context.db, params.emailId ?? "");
  if (!email) throw new Response("Not found", { status: 404 });
  const { props: _props, ...rest } = email;
  return { email: rest };
}

export default function EmailView() {
  const { email } = useLoaderData<typeof loader>();
  const t = useStaffT();
  return (
    <div className="staff-page">
      <p>
        <Link to="/staff/emails">← {t.emails_.title}</Link>
      </p>
      <h1>{email.subject ?? t.emails_.templates[email.template] ?? email.template}</h1>
      <dl>
        <dt>{t.emails_.to}</dt>
        <dd>{email.toEmail}</dd>
        <dt>{t.emails_.template}</dt>
        <dd>
          {email.template} ({email.locale})
        </dd>
        <dt>{t.emails_.status}</dt>
        <dd>{t.emails_.statuses[email.status] ?? email.status}</dd>
        <dt>{t.emails_.attempts}</dt>
        <dd>{email.attempts}</dd>
        {email.lastError ? (
          <>
            <dt>{t.emails_.lastError}</dt>
            <dd>{email.lastError}</dd>
          </>
        ) : null}
      </dl>
      {email.html ? (
        <iframe
          title={t.emails_.frameTitle}
          sandbox=""
          srcDoc={email.html}
          lang={email.locale}
          className="email-frame"
          style={{ width: "100%", minHeight: "600px", border: "1px solid #ccc" }}
        />
      ) : email.text ? (
        <pre lang={email.locale}>{email.text}</pre>
      ) : (
        <p>{t.emails_.notRendered}</p>
      )}
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;
