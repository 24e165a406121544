/**
 * /account/details: the signed-in member's name, kana and address (the join form's fields and
 * rules), email address (changed by a link to the new one), language, and optional email.
 * Each form saves its own part; everything is the session's person, no id comes from the page.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ErrorSummary, TextField } from "~/components/form-fields";
import { AddressFields, joinFieldLabel, NameFields } from "~/components/join-fields";
import { RouteError } from "~/components/route-error";
import {
  getMemberDetails,
  parseConsentForm,
  requestEmailChange,
  saveConsents,
  setPreferredLocale,
  updateMemberDetails,
} from "~/modules/account/details.server";
import { requireSameOrigin } from "~/modules/auth/auth.server";
import { requireMember } from "~/modules/auth/member-auth.server";
import { keepValues } from "~/modules/forms";
import { formatDate } from "~/modules/i18n/format";
import { dictionary, localePath, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";
import { emailAddress, parsePersonDetails } from "~/modules/people/join.schema.server";
import { PERSON_DETAIL_FIELDS, type JoinErrorKey, type JoinFieldErrors, type JoinValues } from "~/modules/people/join.fields";

// The join form's labels and error words come with its group.
export const handle: StringsHandle = { strings: ["account", "join"] };
export const clientLoader = withStrings(["account", "join"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").accountDetails.metaTitle },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const personId = await requireMember(request, context, locale);
  const found = await getMemberDetails(context.db, personId);
  if (!found) throw new Response("Not Found", { status: 404 });
  const { person, consents } = found;
  const values: JoinValues = {
    familyName: person.familyName,
    givenName: person.givenName,
    familyNameKana: person.familyNameKana ?? "",
    givenNameKana: person.givenNameKana ?? "",
    country: person.country,
    postalCode: person.postalCode ?? "",
    prefecture: person.country === "JP" ? (person.region ?? "") : "",
    state: person.country === "US" ? (person.region ?? "") : "",
    city: person.city ?? "",
    addressLine1: person.addressLine1 ?? "",
    addressLine2: person.addressLine2 ?? "",
  };
  return data(
    {
      locale,
      values,
      email: person.email,
      preferredLocale: person.preferredLocale,
      consents: consents.map((c) => ({ ...c, at: c.at ? formatDate(c.at, locale) : null })),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

type Answer =
  | { form: "details"; result: "saved" | "unchanged" | null; errors: JoinFieldErrors; values: JoinValues | null }
  | { form: "email"; result: "sent" | "same" | "rate_limited" | null; error: JoinErrorKey | null; value: string; sentTo: string | null }
  | { form: "language"; result: "saved" | "invalid" }
  | { form: "preferences"; result: "saved" | "unchanged" | "invalid" }
  | { form: "invalid" };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  requireSameOrigin(request, context);
  const personId = await requireMember(request, context, locale);
  const form = Object.fromEntries([...(await request.formData())].filter(([, v]) => typeof v === "string")) as Record<string, string>;
  const ip = context.clientIp ?? null;
  const answer = (body: Answer, status = 200) => data(body, { status });

  switch (form.intent) {
    case "details": {
      const parsed = parsePersonDetails(form, locale);
      if (!parsed.ok) return answer({ form: "details", result: null, errors: parsed.errors, values: keepValues(form, PERSON_DETAIL_FIELDS) }, 400);
      const result = await updateMemberDetails(context.db, personId, parsed.data, ip);
      return answer({ form: "details", result, errors: {}, values: null });
    }
    case "email": {
      const parsed = emailAddress.safeParse(form.email);
      const value = (form.email ?? "").slice(0, 254);
      if (!parsed.success) {
        const message = parsed.error.issues[0]?.message;
        const error: JoinErrorKey = message === "required" || message === "tooLong" ? message : "invalidEmail";
        return answer({ form: "email", result: null, error, value, sentTo: null }, 400);
      }
      const result = await requestEmailChange(context.db, context.env, personId, parsed.data, ip);
      return answer(
        { form: "email", result, error: null, value: result === "sent" ? "" : value, sentTo: result === "sent" ? parsed.data : null },
        result === "rate_limited" ? 429 : 200,
      );
    }
    case "language": {
      const language = form.preferredLocale;
      if (language !== "en" && language !== "ja") return answer({ form: "language", result: "invalid" }, 400);
      await setPreferredLocale(context.db, personId, language);
      return answer({ form: "language", result: "saved" });
    }
    case "preferences": {
      const wanted = parseConsentForm(form);
      if (!wanted) return answer({ form: "preferences", result: "invalid" }, 400);
      const written = await saveConsents(context.db, personId, wanted, ip);
      return answer({ form: "preferences", result: written ? "saved" : "unchanged" });
    }
    default:
      return answer({ form: "invalid" }, 400);
  }
}

function Notice(props: { error?: boolean; children: string }) {
  return (
    <p role={props.error ? "alert" : "status"} className={props.error ? "notice notice--error" : "notice"}>
      {props.children}
    </p>
  );
}

export default function AccountDetails() {
  const loaded = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const locale = useLocale();
  const dict = useT();
  const t = dict.accountDetails;
  const details = answer?.form === "details" ? answer : null;
  const email = answer?.form === "email" ? answer : null;
  const errors = details?.errors ?? {};
  const values = details?.values ?? loaded.values;
  const errorFields = PERSON_DETAIL_FIELDS.filter((f) => errors[f]);
  const sep = locale === "ja" ? "：" : ": ";

  return (
    <div className="page narrow account account-details">
      <p>
        <Link to={localePath(locale, "/account")}>{t.back}</Link>
      </p>
      <h1>{t.heading}</h1>
      {answer?.form === "invalid" ? <Notice error>{t.invalid}</Notice> : null}

      <section aria-labelledby="name-heading">
        <h2 id="name-heading">{t.nameHeading}</h2>
        <p className="muted">{t.nameLead}</p>
        <ErrorSummary
          heading={dict.join.errorSummary}
          items={errorFields.map((field) => ({ field, message: `${joinFieldLabel(dict, field)}${sep}${dict.join.errors[errors[field]!]}` }))}
          trigger={details}
        />
        {/* Keyed by the saved values, so a saved form shows what is now on file. */}
        <Form method="post" noValidate className="join-form" key={details?.result ?? "form"}>
          <input type="hidden" name="intent" value="details" />
          <fieldset>
            <legend className="visually-hidden">{t.nameHeading}</legend>
            <NameFields t={dict} values={values} errors={errors} showKana kanaOptional={locale !== "ja"} />
          </fieldset>
          <AddressFields t={dict} locale={locale} values={values} errors={errors} />
          <button type="submit" className="button primary" disabled={busy}>
            {t.nameSubmit}
          </button>
          {details?.result ? <Notice>{details.result === "saved" ? t.nameSaved : t.nameUnchanged}</Notice> : null}
        </Form>
      </section>

      <section aria-labelledby="email-heading">
        <h2 id="email-heading">{t.emailHeading}</h2>
        <p>{t.emailCurrent(loaded.email)}</p>
        <Form method="post" noValidate key={email?.sentTo ?? "email"}>
          <input type="hidden" name="intent" value="email" />
          <TextField
            name="email"
            label={t.newEmail}
            type="email"
            autoComplete="email"
            value={email?.value ?? ""}
            hint={t.emailHint}
            error={email?.error ? dict.join.errors[email.error] : undefined}
            optionalLabel={dict.join.optional}
          />
          <button type="submit" className="button secondary" disabled={busy}>
            {t.emailSubmit}
          </button>
        </Form>
        {email?.result === "sent" && email.sentTo ? <Notice>{t.emailSent(email.sentTo)}</Notice> : null}
        {email?.result === "same" ? <Notice error>{t.emailSame}</Notice> : null}
        {email?.result === "rate_limited" ? <Notice error>{t.emailRateLimited}</Notice> : null}
      </section>

      <section aria-labelledby="language-heading">
        <h2 id="language-heading">{t.languageHeading}</h2>
        <Form method="post" className="statement-form">
          <input type="hidden" name="intent" value="language" />
          <fieldset className="field">
            <legend>{t.languageLegend}</legend>
            {(["en", "ja"] as const).map((l) => (
              <label key={l} className="choice" lang={l}>
                <input type="radio" name="preferredLocale" value={l} defaultChecked={loaded.preferredLocale === l} /> {l === "en" ? "English" : "日本語"}
              </label>
            ))}
          </fieldset>
          <button type="submit" className="button secondary" disabled={busy}>
            {t.languageSubmit}
          </button>
        </Form>
        {answer?.form === "language" ? (
          answer.result === "saved" ? (
            <Notice>{t.languageSaved(loaded.preferredLocale)}</Notice>
          ) : (
            <Notice error>{t.languageInvalid}</Notice>
          )
        ) : null}
      </section>

      <section aria-labelledby="preferences-heading">
        <h2 id="preferences-heading">{t.preferencesHeading}</h2>
        <p>{t.preferencesLead}</p>
        <Form method="post" className="statement-form">
          <input type="hidden" name="intent" value="preferences" />
          <fieldset className="field">
            <legend>{t.preferencesLegend}</legend>
            {loaded.consents.map((c) => (
              <div key={c.topic} className="consent">
                {/* A hidden "no" first: an unticked box still says no, so the form always names every topic. */}
                <input type="hidden" name={c.topic} value="no" />
                <label className="choice">
                  <input
                    type="checkbox"
                    name={c.topic}
                    value="yes"
                    defaultChecked={c.granted}
                    aria-describedby={`${c.topic}-hint${c.at ? ` ${c.topic}-when` : ""}`}
                  />{" "}
                  {t.topics[c.topic].label}
                </label>
                <p className="hint" id={`${c.topic}-hint`}>
                  {t.topics[c.topic].hint}
                </p>
                {c.at ? (
                  <p className="hint" id={`${c.topic}-when`}>
                    {c.granted ? t.consentYes(c.at) : t.consentNo(c.at)}
                  </p>
                ) : null}
              </div>
            ))}
          </fieldset>
          <button type="submit" className="button secondary" disabled={busy}>
            {t.preferencesSubmit}
          </button>
        </Form>
        {answer?.form === "preferences" ? (
          answer.result === "invalid" ? (
            <Notice error>{t.invalid}</Notice>
          ) : (
            <Notice>{answer.result === "saved" ? t.preferencesSaved : t.preferencesUnchanged}</Notice>
          )
        ) : null}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
