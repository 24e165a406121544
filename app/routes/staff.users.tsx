/** /staff/users: admins add staff users, change their role or language, and deactivate them. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { fieldMessages, formStrings } from "~/modules/forms";
import { Field, StaffErrorBoundary, type FieldErrors } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { dictionary } from "~/modules/i18n/i18n";
import { listStaffUsers, saveStaffUser, setStaffUserActive, StaffUserActiveSchema, StaffUserFormSchema } from "~/modules/staff/staff-users.server";
import { useStaffT } from "~/modules/staff/use-staff";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context, "staff:manage");
  return { users: await listStaffUsers(context.db), me: staff.id };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request, context, "staff:manage");
  const t = dictionary(staff.locale).staff.users_;
  const form = formStrings(await request.formData());
  if (form.intent === "deactivate" || form.intent === "reactivate") {
    const parsed = StaffUserActiveSchema.safeParse(form);
    if (!parsed.success) return data({ errors: { form: t.errors.required }, values: form }, { status: 400 });
    if (parsed.data.id === staff.id) return data({ errors: { form: t.selfLockout }, values: form }, { status: 400 });
    await setStaffUserActive(context.db, staff, parsed.data.id, parsed.data.intent === "reactivate", context.clientIp ?? null);
    return redirect("/staff/users?done=1");
  }
  const parsed = StaffUserFormSchema.safeParse(form);
  if (!parsed.success) {
    const errors: FieldErrors = fieldMessages(parsed.error.issues, (key) => t.errors[key] ?? t.errors.required, "email");
    return data({ errors, values: form }, { status: 400 });
  }
  await saveStaffUser(context.db, staff, parsed.data, context.clientIp ?? null);
  return redirect("/staff/users?done=1");
}

export default function StaffUsers() {
  const { users, me } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useStaffT();
  const [params] = useSearchParams();
  return (
    <div className="staff-page">
      <h1>{t.users_.title}</h1>
      {params.get("done") ? (
        <p role="status" className="notice">
          {t.users_.saved}
        </p>
      ) : null}
      {failed?.errors.form ? (
        <p role="alert" className="notice notice--error">
          {failed.errors.form}
        </p>
      ) : null}
      <table>
        <caption>{t.users_.title}</caption>
        <thead>
          <tr>
            <th scope="col">{t.users_.email}</th>
            <th scope="col">{t.users_.name}</th>
            <th scope="col">{t.users_.role}</th>
            <th scope="col">{t.users_.locale}</th>
            <th scope="col">{t.users_.active}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.email}</td>
              <td>{u.name}</td>
              <td>{t.roles[u.role]}</td>
              <td>{t.languages[u.locale]}</td>
              <td>
                {u.active ? t.yes : t.no}
                {u.id !== me ? (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="id" value={u.id} />
                    <button type="submit" name="intent" value={u.active ? "deactivate" : "reactivate"}>
                      {u.active ? t.users_.deactivate : t.users_.reactivate}
                    </button>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t.users_.add}</h2>
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="save" />
        <Field name="email" type="email" label={t.users_.email} errors={failed?.errors} defaultValue={failed?.values.email} />
        <Field name="name" label={t.users_.name} errors={failed?.errors} defaultValue={failed?.values.name} />
        <Field name="role" label={t.users_.role} errors={failed?.errors} defaultValue={failed?.values.role ?? "staff"}>
          <option value="admin">{t.roles.admin}</option>
          <option value="staff">{t.roles.staff}</option>
          <option value="viewer">{t.roles.viewer}</option>
        </Field>
        <Field name="locale" label={t.users_.locale} errors={failed?.errors} defaultValue={failed?.values.locale ?? "en"}>
          <option value="en">{t.languages.en}</option>
          <option value="ja">{t.languages.ja}</option>
        </Field>
        <button type="submit">{t.users_.save}</button>
      </Form>
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;
