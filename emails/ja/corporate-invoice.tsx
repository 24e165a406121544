/** Japanese preview of ../corporate-invoice.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../corporate-invoice";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
