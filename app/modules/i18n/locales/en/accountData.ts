/** English strings: the "accountData" group, the member's data: download and deletion (see i18n.ts loadStrings). */
export const strings = {
  accountData: {
    metaTitle: "Your data — JUSSCA",
  },
};
