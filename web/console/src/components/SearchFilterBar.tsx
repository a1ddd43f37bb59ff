// The Search page's filters: status, assignee and a range of days. Each change is a new
// address (route.ts), so back and forward step through them.
import { useT } from '../context';
import type { MessageKey } from '../i18n';
import { NO_FILTERS, type SearchFilters } from '../route';

type Choice<K extends keyof SearchFilters> = { value: SearchFilters[K]; key: MessageKey };

const STATUSES: Choice<'status'>[] = [
  { value: '', key: 'statusAny' },
  { value: 'open', key: 'statusOpen' },
  { value: 'closed', key: 'statusClosed' },
];

const ASSIGNEES: Choice<'assignee'>[] = [
  { value: '', key: 'assigneeAnyone' },
  { value: 'me', key: 'assigneeMe' },
  { value: 'none', key: 'nobody' },
];

export function hasFilters(filters: SearchFilters): boolean {
  return Object.entries(NO_FILTERS).some(([name, none]) => filters[name as keyof SearchFilters] !== none);
}

export function SearchFilterBar({ filters, onChange }: { filters: SearchFilters; onChange: (patch: Partial<SearchFilters>) => void }) {
  const t = useT();
  const select = <K extends 'status' | 'assignee'>(name: K, label: MessageKey, choices: Choice<K>[]) => (
    <label class="field">
      <span>{t(label)}</span>
      <select value={filters[name]} onChange={(e) => onChange({ [name]: e.currentTarget.value } as Partial<SearchFilters>)}>
        {choices.map((c) => <option key={c.value} value={c.value}>{t(c.key)}</option>)}
      </select>
    </label>
  );
  const day = (name: 'from' | 'to', label: MessageKey) => (
    <label class="field">
      <span>{t(label)}</span>
      <input type="date" value={filters[name]} onChange={(e) => onChange({ [name]: e.currentTarget.value })} />
    </label>
  );

  return (
    <div class="search-filters" role="group" aria-label={t('searchFilters')}>
      {select('status', 'status', STATUSES)}
      {select('assignee', 'assignee', ASSIGNEES)}
      {day('from', 'dateFrom')}
      {day('to', 'dateTo')}
      {hasFilters(filters) && (
        <button type="button" class="button button-quiet" onClick={() => onChange(NO_FILTERS)}>{t('clearFilters')}</button>
      )}
    </div>
  );
}
