/** Japanese preview of ../welcome.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../welcome";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
