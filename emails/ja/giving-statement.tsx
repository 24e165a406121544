/** Japanese preview of ../giving-statement.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../giving-statement";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
