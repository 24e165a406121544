/** Japanese preview of ../membership-canceled.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../membership-canceled";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
