/** Japanese preview of ../renewal-reminder.tsx for `npx email dev --dir emails`. */
import Template, { previews } from "../renewal-reminder";

export default function JapanesePreview(props: typeof previews.ja) {
  return <Template {...props} />;
}
JapanesePreview.PreviewProps = previews.ja;
