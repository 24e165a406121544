/** Japanese preview of ../gift-canceled.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../gift-canceled";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
