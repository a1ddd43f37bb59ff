// The text around a search's matching words, the words themselves in <mark>. Every segment is
// text, never markup: a visitor wrote it.
import type { SnippetSegment } from '../types';

export function Snippet({ segments }: { segments: SnippetSegment[] }) {
  return (
    <span class="snippet">
      {segments.map((segment, i) => (segment.mark ? <mark key={i}>{segment.text}</mark> : segment.text))}
    </span>
  );
}
