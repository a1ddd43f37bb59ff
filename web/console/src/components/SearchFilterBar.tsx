// The Search page's filters: status, assignee (me, nobody or any agent), team, site and a
// range of days. Each change is a new address (route.ts), so back and forward step
// through them. Team and site appear when the workspace has more than one to choose from.
import { useEffect, useState } from 'preact/hooks';
import { useController, useSelect, useT } from '../context';
import type { MessageKey } from '../i18n';
import { NO_FILTERS, type SearchFilters } from '../route';
import type { Site } from '../types';

type Choice = { value: string; label: string };

export function hasFilters(filters: SearchFilters): boolean {
  return Object.entries(NO_FILTERS).some(([name, none]) => filters[name as keyof SearchFilters] !== none);
}

/** The workspace's sites, for the Site filter; empty until loaded (or when that fails). */
function useSites(): Site[] {
  const controller = useController();
  const [sites, setSites] = useState<Site[]>([]);
  useEffect(() => {
    controller.api.sites().then(({ items }) => setSites(items), () => setSites([]));
  }, []);
  return sites;
}

export function SearchFilterBar({ filters, onChange }: { filters: SearchFilters; onChange: (patch: Partial<SearchFilters>) => void }) {
  const t = useT();
  const me = useSelect((s) => s.me);
  const agents = useSelect((s) => s.agents);
  const teams = useSelect((s) => s.teams);
  const sites = useSites();
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

  const statuses: Choice[] = [
    { value: '', label: t('statusAny') },
    { value: 'open', label: t('statusOpen') },
    { value: 'closed', label: t('statusClosed') },
  ];
  const assignees: Choice[] = [
    { value: '', label: t('assigneeAnyone') },
    { value: 'me', label: t('assigneeMe') },
    { value: 'none', label: t('nobody') },
    ...agents.filter((a) => a.id !== me?.id).sort(byName).map((a) => ({ value: String(a.id), label: a.name })),
  ];
  const any = (key: MessageKey): Choice => ({ value: '', label: t(key) });
  const teamChoices = [any('teamAny'), ...[...teams].sort(byName).map((team) => ({ value: String(team.id), label: team.name }))];
  const siteChoices = [any('siteAny'), ...[...sites].sort(byName).map((site) => ({ value: String(site.id), label: site.name }))];

  const select = (name: 'status' | 'assignee' | 'team' | 'site', label: MessageKey, choices: Choice[]) => (
    <label class="field">
      <span>{t(label)}</span>
      <select value={filters[name]} onChange={(e) => onChange({ [name]: e.currentTarget.value })}>
        {choices.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
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
      {select('status', 'status', statuses)}
      {select('assignee', 'assignee', assignees)}
      {(teams.length > 0 || filters.team) && select('team', 'team', teamChoices)}
      {(sites.length > 1 || filters.site) && select('site', 'site', siteChoices)}
      {day('from', 'dateFrom')}
      {day('to', 'dateTo')}
      {hasFilters(filters) && (
        <button type="button" class="button button-quiet" onClick={() => onChange(NO_FILTERS)}>{t('clearFilters')}</button>
      )}
    </div>
  );
}
