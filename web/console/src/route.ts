// The console's pages live in the location hash: #/inbox, #/search?q=…&status=…,
// #/contacts?q=…, #/contacts/12 (one contact), #/settings and the admin pages. Back and
// forward work, and a search can be reloaded or shared as its address.
import type { Id } from './types';

export type Page = 'inbox' | 'search' | 'contacts' | 'contact' | 'sites' | 'teams' | 'agents' | 'replies' | 'settings';

export interface Route {
  page: Page;
  /** What the page shows: its query string (a search, the contacts' filter), or the contact's id. */
  pageArg: string;
}

const NAMED_PAGES: Page[] = ['inbox', 'search', 'contacts', 'sites', 'teams', 'agents', 'replies', 'settings'];

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const queryAt = path.indexOf('?');
  const [name, id] = (queryAt < 0 ? path : path.slice(0, queryAt)).split('/');
  if (name === 'contacts' && id && /^\d+$/.test(id)) return { page: 'contact', pageArg: id };
  if (!NAMED_PAGES.includes(name as Page)) return { page: 'inbox', pageArg: '' };
  return { page: name as Page, pageArg: queryAt < 0 ? '' : path.slice(queryAt + 1) };
}

/** The contacts list, filtered by `q` when it has any. */
export function contactsHash(q: string): string {
  return q ? `#/contacts?${new URLSearchParams({ q })}` : '#/contacts';
}

export function contactsFilter(pageArg: string): string {
  return new URLSearchParams(pageArg).get('q') ?? '';
}

export function contactHash(id: Id): string {
  return `#/contacts/${id}`;
}

// ---- The search's words and filters ---------------------------------------------------

export interface SearchFilters {
  q: string;
  status: '' | 'open' | 'closed';
  /** Anyone (''), me, nobody, or an agent's id. */
  assignee: string;
  /** A team's or a site's id, or '' for any. */
  team: string;
  site: string;
  /** Days as the date inputs give them (YYYY-MM-DD), in the agent's time zone. */
  from: string;
  to: string;
}

export const NO_FILTERS: Omit<SearchFilters, 'q'> = { status: '', assignee: '', team: '', site: '', from: '', to: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[1-9]\d{0,15}$/;

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | '' {
  return allowed.includes(value as T) ? (value as T) : '';
}

export function parseSearch(pageArg: string): SearchFilters {
  const params = new URLSearchParams(pageArg);
  const day = (name: string) => (DAY.test(params.get(name) ?? '') ? params.get(name)! : '');
  const id = (name: string) => (ID.test(params.get(name) ?? '') ? params.get(name)! : '');
  return {
    q: params.get('q') ?? '',
    status: oneOf(params.get('status'), ['open', 'closed'] as const),
    assignee: oneOf(params.get('assignee'), ['me', 'none'] as const) || id('assignee'),
    team: id('team'),
    site: id('site'),
    from: day('from'),
    to: day('to'),
  };
}

/** The hash of a search; filters left empty are left out. */
export function searchHash(filters: SearchFilters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
  return `#/search?${params}`;
}

/** The first (or, with `endOfDay`, the last) millisecond of a YYYY-MM-DD day here. */
export function dayToMs(day: string, endOfDay = false): number | undefined {
  if (!DAY.test(day)) return undefined;
  const [year, month, date] = day.split('-').map(Number);
  return endOfDay ? new Date(year, month - 1, date + 1).getTime() - 1 : new Date(year, month - 1, date).getTime();
}
