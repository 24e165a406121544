/** English strings: the "accountData" group, the member's data: download and deletion (see i18n.ts loadStrings). */
export const strings = {
  accountData: {
    metaTitle: "Your data — JUSSCA",
    heading: "Your data",
    back: "Back to My account",
    downloadHeading: "Download your data",
    downloadLead:
      "A zip file with everything the association holds about you: your details, memberships and their history, payments, receipts, refunds, gifts, company roles, email preferences, the emails we sent you, your sign-ins and the record of changes to your details. data.json has it all; a CSV file for each part opens in Excel.",
    downloadSubmit: "Download my data (zip)",
    deletionHeading: "Ask for your data to be deleted",
    deletionLead: (years: number) =>
      `Association staff will then remove your name, reading, email address, postal address and partnership, end your sign-ins and stop all email to you. Tax law requires us to keep payments and receipts: they stay, with the name printed on them, for ${years} years, and then stop naming you. This cannot be undone, and you will no longer be able to sign in.`,
    deletionLive:
      "A membership of yours is still paid by card through the payment service. Staff will cancel it before deleting your data, and nothing more will be charged.",
    deletionConfirm: "I understand, and I ask for my data to be deleted.",
    deletionConfirmRequired: "Tick the box to confirm.",
    deletionSubmit: "Ask for deletion",
    deletionRequested: (date: string) => `You asked on ${date} for your data to be deleted. Association staff will carry it out.`,
    withdrawSubmit: "Withdraw my request",
    withdrawHint: "You can withdraw it until staff have carried it out.",
    requestedNow: "Your request is recorded.",
    withdrawnNow: "Your request is withdrawn. Nothing has been deleted.",
    invalid: "This form could not be read. Please reload the page and try again.",
  },
};
