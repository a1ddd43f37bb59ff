// The Contacts page: the workspace's visitors, newest seen first, a page at a time, and a
// filter box that searches their names, e-mails and details (GET /contacts?q=).
import { useEffect, useState } from 'preact/hooks';
import { useController, useLocale, useSelect, useT } from '../context';
import { shortTime } from '../format';
import { contactName, initials } from '../names';
import { VerifiedBadge } from './VerifiedBadge';
import { contactHash, contactsFilter, contactsHash } from '../route';
import type { Contact } from '../types';
import { moveFocus } from './keyboard';
import { LoadError } from './LoadError';
import { usePagedList } from './usePagedList';

const PAGE_SIZE = 30;
// The filter follows the typing once it pauses this long.
const TYPING_PAUSE_MS = 300;

function ContactRow({ contact }: { contact: Contact }) {
  const t = useT();
  const locale = useLocale();
  const language = useSelect((s) => s.settings.language);
  const name = contactName(contact, contact.id, language);
  return (
    <a class="contact-row" href={contactHash(contact.id)}>
      <span class="avatar" aria-hidden="true">{initials(name)}</span>
      <span class="row-main">
        <span class="row-name">
          {name} <VerifiedBadge verified={contact.verified} />
        </span>
        {contact.email && <span class="row-preview">{contact.email}</span>}
      </span>
      {contact.last_seen > 0 && (
        <time class="row-time" dateTime={new Date(contact.last_seen).toISOString()} title={t('lastSeen')}>
          <span class="visually-hidden">{t('lastSeen')}: </span>
          {shortTime(contact.last_seen, locale, t)}
        </time>
      )}
    </a>
  );
}

export function ContactsPage() {
  const controller = useController();
  const t = useT();
  const query = useSelect((s) => contactsFilter(s.pageArg));
  const [text, setText] = useState(query);
  const list = usePagedList<Contact>(query, (cursor) => controller.api.contacts({ q: query, limit: PAGE_SIZE, cursor }));

  // The filter is kept in the address, so that coming back from a contact finds it again.
  useEffect(() => {
    const timer = setTimeout(() => {
      if (text.trim() !== query) controller.replaceRoute(contactsHash(text.trim()));
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  return (
    <main id="main" class="page page-narrow contacts-page">
      <h1>{t('contacts')}</h1>
      <input
        type="search"
        class="contacts-filter"
        aria-label={t('searchContacts')}
        placeholder={t('searchContacts')}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {list.error !== null && <LoadError error={list.error} onRetry={list.reload} />}
      {list.items?.length === 0 && <p class="empty-note">{query ? t('noContactsMatch', { query }) : t('noContacts')}</p>}
      {!!list.items?.length && (
        <ul class="contact-list" aria-label={t('contacts')} onKeyDown={(e) => moveFocus(e, '.contact-row')}>
          {list.items.map((contact) => <li key={contact.id}><ContactRow contact={contact} /></li>)}
        </ul>
      )}
      {list.loading && <p class="empty-note" role="status">{t('loading')}</p>}
      {list.hasMore && <button type="button" class="button load-more" onClick={list.more}>{t('loadMore')}</button>}
    </main>
  );
}
