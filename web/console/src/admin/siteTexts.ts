// A site's texts — greeting, offline message and their translations — as the form edits them,
// checked before saving as the server checks them.
import type { Translate } from '../i18n';
import { canonicalTag } from '../languageTags';
import type { SiteTranslation } from '../types';

/** Each text (greeting, offline message), in UTF-8 as the server counts it. */
export const SITE_TEXT_MAX_BYTES = 1000;
export const MAX_TRANSLATIONS = 20;

export function blankTranslation(): SiteTranslation {
  return { language: '', greeting: '', offline_message: '' };
}

/** The server's list with every text present (older servers send none). */
export function normalizeTranslations(translations: SiteTranslation[] | undefined): SiteTranslation[] {
  return (translations ?? []).map((x) => ({ language: x.language ?? '', greeting: x.greeting ?? '', offline_message: x.offline_message ?? '' }));
}

/** The list as the server takes it: tags in their usual case. */
export function translationsForSave(translations: SiteTranslation[]): SiteTranslation[] {
  return translations.map((x) => ({ ...x, language: canonicalTag(x.language) ?? x.language.trim() }));
}

const tooLong = (text: string) => new TextEncoder().encode(text).length > SITE_TEXT_MAX_BYTES;

/** The index of the first translation whose language cannot be saved, or -1. */
export function badLanguageIndex(translations: SiteTranslation[]): number {
  const seen = new Set<string>();
  return translations.findIndex((x) => {
    const tag = canonicalTag(x.language)?.toLowerCase();
    if (!tag || seen.has(tag)) return true;
    seen.add(tag);
    return false;
  });
}

/** The first thing wrong with the texts, in words, or null when they can be saved. */
export function siteTextsProblem(
  texts: { greeting: string; offline_message: string; translations: SiteTranslation[] },
  t: Translate,
): string | null {
  const bad = badLanguageIndex(texts.translations);
  if (bad >= 0) {
    const tag = texts.translations[bad].language.trim();
    if (!tag) return t('languageRequired');
    return canonicalTag(tag) ? t('duplicateLanguage', { tag }) : t('invalidLanguageTag', { tag });
  }
  const all = [texts, ...texts.translations];
  if (all.some((x) => tooLong(x.greeting) || tooLong(x.offline_message))) return t('siteTextTooLong', { max: SITE_TEXT_MAX_BYTES });
  return null;
}
