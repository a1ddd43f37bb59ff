// The language of a saved reply: any, one of the suggested ones, or whatever else it has.
import { useLocale, useT } from '../context';
import { SUGGESTED_LANGUAGES } from '../languageTags';
import { replyLanguageLabel } from '../replyLanguage';

export function ReplyLanguageSelect({ id, value, onChange, describedBy }: {
  id: string;
  value: string;
  onChange: (language: string) => void;
  describedBy?: string;
}) {
  const t = useT();
  const locale = useLocale();
  const choices = ['', ...SUGGESTED_LANGUAGES];
  if (!choices.includes(value)) choices.push(value);
  return (
    <select id={id} value={value} aria-describedby={describedBy} onChange={(e) => onChange(e.currentTarget.value)}>
      {choices.map((tag) => <option key={tag} value={tag}>{replyLanguageLabel(tag, t, locale)}</option>)}
    </select>
  );
}
