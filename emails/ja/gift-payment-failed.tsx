/** Japanese preview of ../gift-payment-failed.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../gift-payment-failed";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
