/** Japanese preview of ../sign-in-link.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../sign-in-link";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
