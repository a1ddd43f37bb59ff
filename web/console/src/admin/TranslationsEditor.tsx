// A site's texts in other languages: per language tag, a greeting and an offline message
// (empty: the site's default one).
import { useState } from 'preact/hooks';
import { useLocale, useT } from '../context';
import { languageName } from '../format';
import { LANGUAGE_NAMES } from '../i18n';
import { SUGGESTED_LANGUAGES, canonicalTag } from '../languageTags';
import type { SiteTranslation } from '../types';
import { MAX_TRANSLATIONS, badLanguageIndex, blankTranslation } from './siteTexts';

const LIST_ID = 'site-language-tags';

/** "sv" → "Swedish" in the agent's language; "" while the tag is not one (or unknown). */
function nameOf(text: string, locale: string): string {
  const tag = canonicalTag(text);
  if (!tag) return '';
  const name = languageName(tag, locale);
  return name === tag ? '' : name;
}

/** The site's own texts, shown greyed in a translation's empty fields: what it falls back to. */
type Defaults = Pick<SiteTranslation, 'greeting' | 'offline_message'>;

export function TranslationsEditor({ value, defaults, onChange }: {
  value: SiteTranslation[];
  defaults: Defaults;
  onChange: (translations: SiteTranslation[]) => void;
}) {
  const t = useT();
  const bad = badLanguageIndex(value);
  const set = (index: number, change: Partial<SiteTranslation>) =>
    onChange(value.map((x, i) => (i === index ? { ...x, ...change } : x)));

  return (
    <fieldset class="fieldset translations-editor">
      <legend>{t('languages')}</legend>
      <p class="muted small">{t('translationsHelp')}</p>
      <datalist id={LIST_ID}>
        {SUGGESTED_LANGUAGES.map((tag) => <option key={tag} value={tag}>{LANGUAGE_NAMES[tag]}</option>)}
      </datalist>
      {value.map((translation, index) => (
        <TranslationFields
          key={index}
          n={index + 1}
          value={translation}
          defaults={defaults}
          invalid={index === bad}
          onChange={(change) => set(index, change)}
          onRemove={() => onChange(value.filter((_, i) => i !== index))}
        />
      ))}
      <button
        type="button"
        class="button button-quiet"
        disabled={value.length >= MAX_TRANSLATIONS}
        onClick={() => onChange([...value, blankTranslation()])}
      >
        <span aria-hidden="true">+</span> {t('addLanguage')}
      </button>
    </fieldset>
  );
}

function TranslationFields({ n, value, defaults, invalid, onChange, onRemove }: {
  n: number;
  value: SiteTranslation;
  defaults: Defaults;
  /** The language cannot be saved (marked once the field has been left, not while typing). */
  invalid: boolean;
  onChange: (change: Partial<SiteTranslation>) => void;
  onRemove: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  const [left, setLeft] = useState(false);
  const id = `site-translation-${n}`;
  return (
    <fieldset class="translation">
      <legend class="visually-hidden">{t('translationN', { n })}</legend>
      <div class="translation-head">
        <label for={`${id}-language`}>{t('language')}</label>
        <input
          id={`${id}-language`}
          class="language-tag-input"
          list={LIST_ID}
          autoComplete="off"
          spellcheck={false}
          maxLength={35}
          placeholder="sv"
          aria-invalid={invalid && left ? 'true' : undefined}
          value={value.language}
          onInput={(e) => onChange({ language: e.currentTarget.value })}
          onBlur={() => setLeft(true)}
        />
        <span class="muted small">{nameOf(value.language, locale)}</span>
        <button type="button" class="button button-quiet button-small push-right" onClick={onRemove}>{t('remove')}</button>
      </div>
      <label class="field">
        <span>{t('greeting')}</span>
        <textarea rows={2} placeholder={defaults.greeting} value={value.greeting} onInput={(e) => onChange({ greeting: e.currentTarget.value })} />
      </label>
      <label class="field">
        <span>{t('offlineMessage')}</span>
        <textarea rows={2} placeholder={defaults.offline_message} value={value.offline_message} onInput={(e) => onChange({ offline_message: e.currentTarget.value })} />
      </label>
    </fieldset>
  );
}
