/** Japanese preview of ../receipt.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../receipt";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
