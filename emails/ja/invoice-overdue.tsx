/** Japanese preview of ../invoice-overdue.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../invoice-overdue";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
