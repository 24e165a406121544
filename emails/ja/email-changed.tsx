/** Japanese preview of ../email-changed.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../email-changed";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
