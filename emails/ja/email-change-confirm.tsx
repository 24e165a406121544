/** Japanese preview of ../email-change-confirm.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../email-change-confirm";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
