// Which saved reply suits the visitor: the one in the visitor's language, else the one for any
// language, else the others.
import { languageName } from './format';
import { LANGUAGE_NAMES, isLanguage, type Translate } from './i18n';
import { primarySubtag } from './languageTags';
import type { CannedResponse } from './types';

/** The language the visitor reads: their page's (`page_language`), else their browser's. */
export function visitorLanguage(attributes: Record<string, string> | undefined): string {
  return (attributes?.page_language || attributes?.language || '').trim();
}

/**
 * How well a reply in `language` ("" = any) suits a visitor reading `wanted`, best first, as the
 * site's texts are chosen: 0 the same tag ("fi-FI" for "fi-FI"), 1 the visitor's primary
 * subtag ("fi" for "fi-FI"), 2 another tag of that language ("fi-SE"), 3 a reply for any
 * language, 4 one in another language.
 */
export function languageRank(language: string, wanted: string): number {
  if (!language) return 3;
  const tag = language.toLowerCase();
  const visitor = wanted.toLowerCase();
  if (!visitor) return 4;
  if (tag === visitor) return 0;
  const primary = primarySubtag(visitor);
  if (tag === primary) return 1;
  return primarySubtag(tag) === primary ? 2 : 4;
}

/**
 * The replies in their order, except that the versions of one shortcut come together where
 * its first one was, the best for the visitor first.
 */
export function byLanguage(replies: CannedResponse[], wanted: string): CannedResponse[] {
  const groups = new Map<string, CannedResponse[]>();
  for (const reply of replies) {
    const group = groups.get(reply.shortcut);
    if (group) group.push(reply);
    else groups.set(reply.shortcut, [reply]);
  }
  const rank = (reply: CannedResponse) => languageRank(reply.language ?? '', wanted);
  return [...groups.values()].flatMap((group) => [...group].sort((a, b) => rank(a) - rank(b)));
}

/** "" → "Any language", "fi" → "Suomi" (in itself, as the select offers it), "de" → "German (de)". */
export function replyLanguageLabel(tag: string, t: Translate, locale: string): string {
  if (!tag) return t('anyLanguage');
  if (isLanguage(tag)) return LANGUAGE_NAMES[tag];
  const name = languageName(tag, locale);
  return name === tag ? tag : `${name} (${tag})`;
}
