import type { LoaderFunctionArgs } from "@remix-run/node";
import { getSponsorLogo } from "~/modules/corporate/corporate.server";
import { logoHeaders } from "~/modules/corporate/logo.server";

/** A sponsor's logo (only while it is listed on the sponsors page), served with no-sniff and a script-free CSP. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const logo = await getSponsorLogo(context.db, params.id ?? "");
  if (!logo) return new Response("Not Found", { status: 404 });
  return new Response(new Uint8Array(logo.bytes), { headers: logoHeaders(logo.mime, logo.bytes.length) });
}
