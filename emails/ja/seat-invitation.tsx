/** Japanese preview of ../seat-invitation.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../seat-invitation";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
