/** /staff/members/:memberId: a person or organisation, with confirmed, audited actions (one handler per intent). */
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { fieldMessages, formStrings } from "~/modules/forms";
import {
  AuditSection,
  ContactsSection,
  EmailsSection,
  InvoicesSection,
  MembershipsSection,
  PaymentsSection,
  PrivacySection,
  ProfileSection,
  SeatsSection,
  useMemberView,
  type MemberActionData,
} from "~/components/member-page";
import { StaffErrorBoundary, type FieldErrors } from "~/components/staff-ui";
import type { StaffActor } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/auth.server";
import { can } from "~/modules/auth/permissions";
import { compMembershipAsStaff, endCompAsStaff } from "~/modules/members/comps.server";
import { isDemo } from "~/modules/billing/demo.server";
import { refundPaymentAsStaff } from "~/modules/members/refunds.server";
import { cancelMembershipAsStaff, simulateRenewalAsStaff } from "~/modules/members/staff-billing.server";
import { recordStaffPaymentAgainstInvoice } from "~/modules/corporate/corporate-billing.server";
import { changeOrganisationContact, getOrganisationExtras, issueRenewalInvoiceAsStaff, setRenewalTier } from "~/modules/corporate/staff-corporate.server";
import { dictionary } from "~/modules/i18n/i18n";
import { MemberActionSchema } from "~/modules/members/member-actions.schema";
import { anonymisePersonAsStaff } from "~/modules/account/data.server";
import { ActionError, editProfile, getMemberPage, recordOfflinePayment, resendReceipt } from "~/modules/members/member-page.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context, "read");
  const page = await getMemberPage(context.db, params.memberId ?? "");
  if (!page) throw new Response("Not found", { status: 404 });
  const corporate = page.organisation ? await getOrganisationExtras(context.db, page.organisation.id) : null;
  return { ...page, corporate, canWrite: can(staff.role, "members:write"), demo: isDemo(context), retentionYears: context.env.RECORD_RETENTION_YEARS };
}

type MemberActionInput = ReturnType<typeof MemberActionSchema.parse>;
type Handler<I> = (context: AppLoadContext, actor: StaffActor & { staff: { id: string } }, memberId: string, input: I) => Promise<unknown>;

/** One handler per intent the page posts; each refuses with an ActionError naming the field. */
const HANDLERS: { [K in MemberActionInput["intent"]]: Handler<Extract<MemberActionInput, { intent: K }>> } = {
  edit: (context, actor, memberId, input) => editProfile(context.db, actor, memberId, input),
  anonymise: anonymisePersonAsStaff,
  comp: compMembershipAsStaff,
  endComp: endCompAsStaff,
  refund: refundPaymentAsStaff,
  cancel: cancelMembershipAsStaff,
  simulate: simulateRenewalAsStaff,
  contact: (context, actor, memberId, input) => changeOrganisationContact(context.db, actor, memberId, input),
  renewalTier: setRenewalTier,
  renewalInvoice: issueRenewalInvoiceAsStaff,
  resend: (context, actor, memberId, input) => resendReceipt(context.db, actor, memberId, input.receiptId),
  payment: async (context, actor, memberId, input) => {
    // A company waiting on its Stripe invoice: the check or wire pays that invoice (out of band), once.
    const againstInvoice = await recordStaffPaymentAgainstInvoice(context, {
      memberId,
      membershipId: input.membershipId,
      method: input.method,
      paidAt: new Date(`${input.paidAt}T12:00:00+09:00`),
      reference: input.reference ?? "",
      staffUserId: actor.staff.id,
      ip: actor.ip,
    });
    if (againstInvoice && !againstInvoice.ok) throw new ActionError("membershipId", "stripe");
    if (!againstInvoice) await recordOfflinePayment(context, actor, memberId, input);
  },
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request, context, "members:write");
  const memberId = params.memberId ?? "";
  const t = dictionary(staff.locale).staff.member;
  const tc = dictionary(staff.locale).staffCorporate;
  const message = (key: string) => t.errors[key] ?? tc.errors[key] ?? t.errors.required;
  const form = formStrings(await request.formData());
  const parsed = MemberActionSchema.safeParse(form);
  if (!parsed.success) {
    const errors: FieldErrors = fieldMessages<string, string | undefined>(
      parsed.error.issues,
      (key, field) => (field === "confirm" ? t.confirmRequired : message(key)),
      "form",
    );
    return data({ intent: form.intent ?? null, errors, values: form } satisfies MemberActionData, { status: 400 });
  }
  const input = parsed.data;
  try {
    await (HANDLERS[input.intent] as Handler<typeof input>)(context, { staff, ip: context.clientIp ?? null }, memberId, input);
  } catch (error) {
    if (error instanceof ActionError) {
      return data({ intent: input.intent, errors: { [error.field]: message(error.key) }, values: form } satisfies MemberActionData, { status: 400 });
    }
    throw error;
  }
  return redirect(`/staff/members/${memberId}?done=${input.intent}`);
}

export default function MemberPage() {
  const v = useMemberView();
  const { t, failed, doneText, title } = v;
  return (
    <div className="staff-page">
      <p>
        <Link to="/staff/members">← {t.members}</Link>
      </p>
      <h1>{title}</h1>
      {doneText ? (
        <p role="status" className="notice">
          {doneText}
        </p>
      ) : null}
      {failed ? (
        <p role="alert" className="notice notice--error">
          {t.fixErrors}
        </p>
      ) : null}

      <ProfileSection v={v} />

      <ContactsSection v={v} />

      <SeatsSection v={v} />

      <InvoicesSection v={v} />

      <MembershipsSection v={v} />

      <PaymentsSection v={v} />

      <EmailsSection v={v} />

      <PrivacySection v={v} />

      <AuditSection v={v} />
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;
