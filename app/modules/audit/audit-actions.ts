/**
 * Every action the audit log records: writeAudit takes only these, and the console names each
 * in both languages (staff.audit_.actions) instead of showing the code.
 */
export const AUDIT_ACTIONS = [
  "staff.sign_in",
  "staff_user.create",
  "staff_user.update",
  "staff_user.deactivate",
  "staff_user.reactivate",
  "member.create",
  "member.edit",
  "person.details_confirmed",
  "person.details_update",
  "person.email_change",
  "person.sign_in",
  "person.sign_out_everywhere",
  "person.data_download",
  "person.deletion_request",
  "person.deletion_withdraw",
  "person.anonymise",
  "membership.comp",
  "membership.comp_end",
  "membership.cancel",
  "membership.renewal_tier",
  "membership.simulate_renewal",
  "payment.record_offline",
  "payment.refund",
  "receipt.resend",
  "organisation.contact.primary",
  "organisation.contact.billing",
  "organisation.invoice.issue_renewal",
  "organisation.invoice.record_offline_payment",
  "tier.create",
  "tier.update",
  "tier.archive",
  "tier.restore",
  "fund.goal",
  "export.members",
  "export.donations",
  "donations.statement",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
