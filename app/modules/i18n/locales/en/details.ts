/** English strings: the "details" group (see i18n.ts loadStrings). */
export const strings = {
  detailsConfirm: {
    metaTitle: "Confirm your new details — JUSSCA",
    heading: "Confirm your new details",
    lead: (purpose: "membership" | "gift") =>
      `New details came with your ${purpose === "membership" ? "membership payment" : "gift"}. It was sent without signing in, so we kept the details we had until you confirm these.`,
    field: "Detail",
    now: "On file now",
    next: "New",
    empty: "(none)",
    caption: "Your details on file and the new ones",
    confirm: "Use the new details",
    notYou: "If you did not send them, close this page: nothing changes.",
    confirmed: "Thank you. We will use your new details from now on, on your receipts too.",
    nothing: "There is nothing left to confirm: these details were confirmed already.",
    invalidLink: "This link is not valid or has expired (links last 30 days). Your details on file have not changed.",
  },
};
