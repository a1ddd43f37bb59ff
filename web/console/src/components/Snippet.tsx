// The text around a search's matching words, the words themselves in <mark>, and a whole
// message marked so (the one a search result opens at). Every segment is text, never markup:
// a visitor wrote it.
import type { SnippetSegment } from '../types';

export function Marked({ segments }: { segments: SnippetSegment[] }) {
  return <>{segments.map((segment, i) => (segment.mark ? <mark key={i}>{segment.text}</mark> : segment.text))}</>;
}

export function Snippet({ segments }: { segments: SnippetSegment[] }) {
  return <span class="snippet"><Marked segments={segments} /></span>;
}

/**
 * A whole message as segments, each of `words` marked wherever it occurs in any case: the
 * words are those the search marked in its snippet, as the message writes them.
 */
export function markWords(text: string, words: string[]): SnippetSegment[] {
  // Longest first, so that a word is never cut short by a shorter one it begins with.
  const unique = [...new Set(words.filter((w) => w.trim()))].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return [{ text }];
  const pattern = new RegExp(unique.map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'giu');
  const segments: SnippetSegment[] = [];
  let at = 0;
  for (const found of text.matchAll(pattern)) {
    const index = found.index ?? 0;
    if (index > at) segments.push({ text: text.slice(at, index) });
    segments.push({ text: found[0], mark: true });
    at = index + found[0].length;
  }
  if (at < text.length) segments.push({ text: text.slice(at) });
  return segments;
}
