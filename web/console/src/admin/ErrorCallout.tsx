// What went wrong with an admin form, brought into view when it appears: the save button
// may be a long way below it.
import { useEffect, useRef } from 'preact/hooks';

export function ErrorCallout({ message }: { message: string | null }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (message) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [message]);
  if (!message) return null;
  return <p ref={ref} class="callout callout-error" role="alert">{message}</p>;
}
