// UI text in English, Finnish, Estonian and Swedish. Components get a `t` function from
// useT(); `{name}`-style placeholders are filled from the params.
import { en } from './en';
import { fi } from './fi';
import { et } from './et';
import { sv } from './sv';

export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string>;
export type Language = 'en' | 'fi' | 'et' | 'sv';
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export const LANGUAGES: Language[] = ['en', 'fi', 'et', 'sv'];

/** Each language is named in itself, so that anyone can find their own. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  fi: 'Suomi',
  et: 'Eesti',
  sv: 'Svenska',
};

const dictionaries: Record<Language, Dictionary> = { en, fi, et, sv };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as string[]).includes(value);
}

/** The first of the browser's preferred languages that we have, else English. */
export function detectLanguage(preferred: readonly string[] = navigator.languages ?? [navigator.language]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

export function translator(language: Language): Translate {
  const dictionary = dictionaries[language] ?? en;
  return (key, params) => {
    const text = dictionary[key] ?? en[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
  };
}

/**
 * The locale for dates and numbers: the browser's own when it is a variant of the chosen
 * language (keeps en-GB's 24-hour clock), else the language itself.
 */
export function localeFor(language: Language): string {
  const browser = navigator.language || '';
  return browser.toLowerCase().split('-')[0] === language ? browser : language;
}
