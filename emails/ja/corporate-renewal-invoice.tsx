/** Japanese preview of ../corporate-renewal-invoice.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../corporate-renewal-invoice";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
