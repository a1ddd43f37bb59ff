// The Search page: conversations found by the words of the top bar's search box, filtered by
// status, assignee, team, site and days, newest activity first, a page at a time (GET /search).
import { useMemo } from 'preact/hooks';
import type { SearchQuery } from '../api';
import { useController, useSelect, useT } from '../context';
import type { Translate } from '../i18n';
import { dayToMs, parseSearch, searchHash, type SearchFilters } from '../route';
import type { SearchHit } from '../types';
import { moveFocus } from './keyboard';
import { LoadError } from './LoadError';
import { hasFilters, SearchFilterBar } from './SearchFilterBar';
import { SearchHitRow } from './SearchHitRow';
import { usePagedList, type PagedList } from './usePagedList';

const PAGE_SIZE = 25;

function searchQuery(filters: SearchFilters, cursor: string | null): SearchQuery {
  return {
    q: filters.q.trim(),
    status: filters.status || undefined,
    assignee: filters.assignee || undefined,
    team: filters.team || undefined,
    site: filters.site || undefined,
    from: dayToMs(filters.from),
    to: dayToMs(filters.to, true),
    limit: PAGE_SIZE,
    cursor,
  };
}

/** What the status line says: loading, how many were found, or that nothing matches. */
function summary(list: PagedList<SearchHit>, filters: SearchFilters, t: Translate): string {
  if (list.loading && !list.items) return t('loading');
  if (!list.items) return '';
  const count = list.items.length;
  if (count > 0) return t('searchFound', { count: list.hasMore || list.loading ? `${count}+` : count });
  return t(hasFilters(filters) ? 'noSearchResultsFiltered' : 'noSearchResults', { query: filters.q.trim() });
}

export function SearchPage() {
  const controller = useController();
  const t = useT();
  const pageArg = useSelect((s) => s.pageArg);
  const filters = useMemo(() => parseSearch(pageArg), [pageArg]);
  const query = filters.q.trim();
  const list = usePagedList<SearchHit>(pageArg, query ? (cursor) => controller.api.search(searchQuery(filters, cursor)) : null);
  const change = (patch: Partial<SearchFilters>) => {
    location.hash = searchHash({ ...filters, ...patch });
  };
  const found = list.items?.length ?? 0;

  return (
    <main id="main" class="page search-page">
      <h1>{t('search')}</h1>
      <SearchFilterBar filters={filters} onChange={change} />
      {!query && <p class="callout callout-info">{t('searchPrompt')}</p>}
      {list.error !== null && <LoadError error={list.error} onRetry={list.reload} />}
      <p class={list.items?.length === 0 ? 'empty-note' : 'muted'} role="status">{summary(list, filters, t)}</p>
      {found > 0 && (
        <ul class="search-results" aria-label={t('searchResults')} onKeyDown={(e) => moveFocus(e, '.search-hit')}>
          {list.items!.map((hit) => <li key={hit.conversation.id}><SearchHitRow hit={hit} /></li>)}
        </ul>
      )}
      {list.loading && list.items && <p class="empty-note">{t('loading')}</p>}
      {list.hasMore && <button type="button" class="button load-more" onClick={list.more}>{t('loadMore')}</button>}
    </main>
  );
}
