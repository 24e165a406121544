/** Japanese preview of ../export-ready.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../export-ready";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
