/** Japanese preview of ../membership-lapsed.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../membership-lapsed";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
