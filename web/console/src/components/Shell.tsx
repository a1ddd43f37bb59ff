// The logged-in frame: header with navigation and the search box, connection banner, and the
// current page.
import { useEffect, useRef } from 'preact/hooks';
import { useController, useSelect, useT } from '../context';
import type { Page } from '../state';
import type { Availability } from '../types';
import { AgentsPage } from '../admin/AgentsPage';
import { CannedPage } from '../admin/CannedPage';
import { SitesPage } from '../admin/SitesPage';
import { TeamsPage } from '../admin/TeamsPage';
import { ContactPage } from './ContactPage';
import { ContactsPage } from './ContactsPage';
import { InboxPage } from './InboxPage';
import { SearchBox } from './SearchBox';
import { SearchPage } from './SearchPage';
import { SettingsPage } from './SettingsPage';
import { useNavOnOwnRow } from './useNavOnOwnRow';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

// The hash routes pages, so the skip link moves focus itself instead of navigating.
function skipToMain(event: Event) {
  event.preventDefault();
  const main = document.getElementById('main');
  main?.setAttribute('tabindex', '-1');
  main?.focus();
}

export function Shell() {
  const controller = useController();
  const t = useT();
  const me = useSelect((s) => s.me);
  const page = useSelect((s) => s.page);
  const pageArg = useSelect((s) => s.pageArg);
  const connection = useSelect((s) => s.connection);
  const notice = useSelect((s) => s.notice);
  const totalUnread = useSelect((s) => {
    let sum = 0;
    // Unread messages in the chats this agent should answer: theirs and unassigned ones.
    for (const c of Object.values(s.conversations)) {
      const marks = s.readMarks[c.id];
      if (marks && c.status !== 'closed' && (c.assignee_id === null || c.assignee_id === s.me?.id)) {
        sum += Math.max(0, c.last_seq - marks.mine);
      }
    }
    return sum;
  });
  const availability = useSelect((s) => s.availability);
  const language = useSelect((s) => s.settings.language);
  const isAdmin = me?.role === 'admin';
  const bar = useRef<HTMLElement>(null);
  const nav = useRef<HTMLElement>(null);
  const navOnOwnRow = useNavOnOwnRow(bar, nav, `${language}:${isAdmin}`);

  useEffect(() => {
    document.title = totalUnread > 0 ? `(${totalUnread}) Juttu` : 'Juttu';
  }, [totalUnread]);

  const links: { page: Page; label: string }[] = [
    { page: 'inbox', label: t('inbox') },
    { page: 'contacts', label: t('contacts') },
    ...(isAdmin
      ? [
        { page: 'sites' as Page, label: t('sites') },
        { page: 'teams' as Page, label: t('teams') },
        { page: 'agents' as Page, label: t('agents') },
        { page: 'replies' as Page, label: t('cannedResponses') },
      ]
      : []),
    { page: 'settings', label: t('settings') },
  ];

  // A contact's page is one of the Contacts.
  const shownIn = (link: Page) => link === page || (link === 'contacts' && page === 'contact');

  let content;
  if (page === 'inbox') content = <InboxPage />;
  else if (page === 'search') content = <SearchPage />;
  else if (page === 'contacts') content = <ContactsPage />;
  else if (page === 'contact') content = <ContactPage key={pageArg} id={Number(pageArg)} />;
  else if (page === 'settings') content = <SettingsPage />;
  else if (!isAdmin) content = <main id="main" class="page"><p class="callout callout-info">{t('adminOnly')}</p></main>;
  else if (page === 'sites') content = <SitesPage />;
  else if (page === 'teams') content = <TeamsPage />;
  else if (page === 'replies') content = <CannedPage />;
  else content = <AgentsPage />;

  return (
    <div class="shell">
      <a class="skip-link" href="#main" onClick={skipToMain}>{t('skipToContent')}</a>
      <header class={navOnOwnRow ? 'topbar topbar-two-rows' : 'topbar'} ref={bar}>
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">J</span>
          <span class="brand-name">Juttu</span>
          <WorkspaceSwitcher />
        </div>
        <nav class="topnav" aria-label={t('mainNavigation')} ref={nav}>
          <ul>
            {links.map((link) => (
              <li key={link.page}>
                <a href={`#/${link.page}`} aria-current={shownIn(link.page) ? 'page' : undefined}>{link.label}</a>
              </li>
            ))}
          </ul>
        </nav>
        <SearchBox />
        <div class="account">
          <label class="availability">
            <span class={`availability-dot availability-${availability}`} aria-hidden="true" />
            <span class="visually-hidden">{t('availability')}</span>
            <select
              value={availability}
              onChange={(e) => controller.setAvailability((e.currentTarget as HTMLSelectElement).value as Availability)}
            >
              <option value="online">{t('availabilityOnline')}</option>
              <option value="away">{t('availabilityAway')}</option>
              <option value="offline">{t('availabilityOffline')}</option>
            </select>
          </label>
          {me && <span class="account-name" title={me.email}>{t('signedInAs', { name: me.name })}</span>}
          <button type="button" class="button button-quiet" onClick={() => void controller.logout()}>
            {t('logOut')}
          </button>
        </div>
      </header>
      {connection === 'reconnecting' && (
        <div class="banner banner-warning" role="status">
          <span class="spinner" aria-hidden="true" />
          {t('reconnecting')}
        </div>
      )}
      {notice && (
        <div class="banner banner-error" role="alert">
          <span>{notice}</span>
          <button type="button" class="button button-quiet button-small" onClick={() => controller.dismissNotice()}>
            {t('dismiss')}
          </button>
        </div>
      )}
      {content}
    </div>
  );
}
