// BCP 47 language tags ("sv", "fi-FI") as the site texts and saved replies carry them.
import type { Language } from './i18n';

/** Offered first wherever a text's language is chosen: the languages Nordic shops write in. */
export const SUGGESTED_LANGUAGES: Language[] = ['en', 'fi', 'sv', 'et'];

// As the server takes them: a primary subtag of letters, then subtags of letters or digits.
const SHAPE = /^[a-z]{2,8}(-[a-z0-9]{1,8})*$/i;
const MAX_LENGTH = 35;

/** Each subtag in its usual case: "fi-fi" → "fi-FI", "sr-latn-rs" → "sr-Latn-RS". */
function usualCase(tag: string): string {
  return tag.split('-').map((subtag, i) => {
    if (i === 0) return subtag.toLowerCase();
    if (subtag.length === 2) return subtag.toUpperCase();
    if (subtag.length === 4 && /^[a-z]+$/i.test(subtag)) return subtag[0].toUpperCase() + subtag.slice(1).toLowerCase();
    return subtag.toLowerCase();
  }).join('-');
}

/** The tag in its usual case, or null when it is not a language tag. */
export function canonicalTag(text: string): string | null {
  const tag = text.trim();
  if (tag.length > MAX_LENGTH || !SHAPE.test(tag)) return null;
  try {
    Intl.getCanonicalLocales(tag); // refuses what only looks like a tag ("fi-a", "en-US-US")
  } catch {
    return null;
  }
  return usualCase(tag);
}

/** "fi-FI" → "fi". */
export function primarySubtag(tag: string): string {
  return tag.split('-')[0].toLowerCase();
}
