/** Japanese preview of ../tribute-notification.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../tribute-notification";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
