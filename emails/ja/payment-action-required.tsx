/** Japanese preview of ../payment-action-required.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../payment-action-required";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
