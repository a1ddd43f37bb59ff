// A site's pre-chat form: whether the widget asks anything before the first message, which
// fields (off / optional / required) and one free question.
import { useT } from '../context';
import type { MessageKey } from '../i18n';
import type { Prechat, PrechatField } from '../types';

export function defaultPrechat(): Prechat {
  return { enabled: false, name: 'optional', email: 'optional', team: 'off', question: { label: '', required: false } };
}

export function normalizePrechat(prechat: Prechat | undefined): Prechat {
  const base = defaultPrechat();
  if (!prechat) return base;
  return { ...base, ...prechat, question: { ...base.question, ...(prechat.question ?? {}) } };
}

const FIELDS: { field: 'name' | 'email' | 'team'; key: MessageKey }[] = [
  { field: 'name', key: 'askName' },
  { field: 'email', key: 'askEmail' },
  { field: 'team', key: 'askTeam' },
];

const CHOICES: { value: PrechatField; key: MessageKey }[] = [
  { value: 'off', key: 'fieldOff' },
  { value: 'optional', key: 'fieldOptional' },
  { value: 'required', key: 'fieldRequired' },
];

export function PrechatEditor({ value, onChange }: { value: Prechat; onChange: (prechat: Prechat) => void }) {
  const t = useT();
  return (
    <fieldset class="fieldset prechat-editor">
      <legend>{t('prechat')}</legend>
      <p class="muted small">{t('prechatHelp')}</p>
      <label class="check">
        <input type="checkbox" checked={value.enabled} onChange={(e) => onChange({ ...value, enabled: e.currentTarget.checked })} />
        <span>{t('prechatEnabled')}</span>
      </label>
      <div class="prechat-fields">
        {FIELDS.map(({ field, key }) => (
          <div class="field" key={field}>
            <label for={`prechat-${field}`}>{t(key)}</label>
            <select
              id={`prechat-${field}`}
              value={value[field]}
              disabled={!value.enabled}
              onChange={(e) => onChange({ ...value, [field]: e.currentTarget.value as PrechatField })}
            >
              {CHOICES.map((choice) => <option key={choice.value} value={choice.value}>{t(choice.key)}</option>)}
            </select>
          </div>
        ))}
      </div>
      <div class="field prechat-question">
        <label for="prechat-question">{t('question')}</label>
        <input
          id="prechat-question"
          maxLength={64}
          disabled={!value.enabled}
          aria-describedby="prechat-question-hint"
          value={value.question.label}
          onInput={(e) => onChange({ ...value, question: { ...value.question, label: e.currentTarget.value } })}
        />
        <small id="prechat-question-hint" class="muted">{t('questionHint')}</small>
      </div>
      <label class="check">
        <input
          type="checkbox"
          checked={value.question.required}
          disabled={!value.enabled || !value.question.label.trim()}
          onChange={(e) => onChange({ ...value, question: { ...value.question, required: e.currentTarget.checked } })}
        />
        <span>{t('questionRequired')}</span>
      </label>
    </fieldset>
  );
}
