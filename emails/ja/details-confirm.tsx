/** Japanese preview of ../details-confirm.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../details-confirm";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
