// Who the visitor is and what they did: current page and trail, referrer, device, languages
// (the browser's and the page's), local time, visits, other attributes and past conversations.
import { Fragment, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useController, useLocale, useSelect, useT } from '../context';
import { dateTime, displayUrl, languageName, shortTime, timeInZone, messagePreview } from '../format';
import { contactName, initials } from '../names';
import { VerifiedBadge } from './VerifiedBadge';
import { contactHash } from '../route';
import type { Id, PageView } from '../types';
import { parseUserAgent } from '../useragent';

// Attributes the panel shows in their own rows; everything else goes to "Other details".
const KNOWN_ATTRIBUTES = new Set(['user_agent', 'language', 'page_language', 'timezone', 'screen']);
const TRAIL_LENGTH = 15;

/** Where the visit came from: the latest page view referred by another site. */
function entryReferrer(pageViews: PageView[]): string | null {
  for (const view of pageViews) {
    if (!view.referrer) continue;
    try {
      if (new URL(view.referrer).origin !== new URL(view.url).origin) return view.referrer;
    } catch {
      return view.referrer;
    }
  }
  return null;
}

function LocalClock({ timeZone }: { timeZone: string }) {
  const locale = useLocale();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 15000);
    return () => clearInterval(timer);
  }, []);
  const text = timeInZone(timeZone, locale, now);
  return text ? <>{text} <span class="muted">({timeZone})</span></> : <>{timeZone}</>;
}

/** `children` (the conversation's own facts) go after the visitor's facts. */
export function VisitorPanel({ contactId, activeId, children }: { contactId: Id; activeId: Id; children?: ComponentChildren }) {
  const controller = useController();
  const t = useT();
  const locale = useLocale();
  const language = useSelect((s) => s.settings.language);
  const contact = useSelect((s) => s.contacts[contactId]);
  const history = useSelect((s) => s.contactHistory[contactId]);
  const conversations = useSelect((s) => s.conversations);

  useEffect(() => {
    void controller.loadContact(contactId);
  }, [contactId]);

  const name = contactName(contact, contactId, language);
  const attributes = contact?.attributes ?? {};
  const pageViews = history?.pageViews ?? [];
  const current = pageViews[0];
  const referrer = entryReferrer(pageViews);
  const device = parseUserAgent(attributes.user_agent);
  const deviceText = [device.os, device.browser].filter(Boolean).join(' · ');
  const others = Object.entries(attributes).filter(([key]) => !KNOWN_ATTRIBUTES.has(key)).sort(([a], [b]) => a.localeCompare(b));
  const past = (history?.conversations ?? [])
    .filter((c) => c.id !== activeId)
    .map((c) => conversations[c.id] ?? c)
    .sort((a, b) => b.updated_at - a.updated_at);

  return (
    <div class="visitor">
      <div class="visitor-head">
        <span class="avatar avatar-large" aria-hidden="true">{initials(name)}</span>
        <div>
          <h2 class="visitor-name">
            <a href={contactHash(contactId)} title={t('openContactPage')}>{name}</a>
          </h2>
          <VerifiedBadge verified={contact?.verified} />
          {contact?.email && <a class="visitor-email" href={`mailto:${contact.email}`}>{contact.email}</a>}
        </div>
      </div>

      <dl class="facts">
        <dt>{t('currentPage')}</dt>
        <dd>
          {current ? (
            <a href={current.url} target="_blank" rel="noopener noreferrer" class="page-link" title={current.url}>
              {current.title && <span class="page-title">{current.title}</span>}
              <span class="page-url">{displayUrl(current.url)}</span>
            </a>
          ) : (
            <span class="muted">{t('noPages')}</span>
          )}
        </dd>
        {pageViews.length > 0 && (
          <>
            <dt>{t('referrer')}</dt>
            <dd>{referrer ? <span class="page-url" title={referrer}>{displayUrl(referrer)}</span> : <span class="muted">{t('direct')}</span>}</dd>
          </>
        )}
        {deviceText && (
          <>
            <dt>{t('device')}</dt>
            <dd>{deviceText}</dd>
          </>
        )}
        {attributes.language && (
          <>
            <dt>{t('language')}</dt>
            <dd>{languageName(attributes.language, locale)} <span class="muted">({attributes.language})</span></dd>
          </>
        )}
        {attributes.page_language && (
          <>
            <dt>{t('pageLanguage')}</dt>
            <dd>{languageName(attributes.page_language, locale)} <span class="muted">({attributes.page_language})</span></dd>
          </>
        )}
        {attributes.timezone && (
          <>
            <dt>{t('localTime')}</dt>
            <dd><LocalClock timeZone={attributes.timezone} /></dd>
          </>
        )}
        {attributes.screen && (
          <>
            <dt>{t('screen')}</dt>
            <dd>{attributes.screen}</dd>
          </>
        )}
        <dt>{t('visits')}</dt>
        <dd>{contact ? contact.visits : '–'}</dd>
        {contact?.first_seen ? (
          <>
            <dt>{t('firstSeen')}</dt>
            <dd>{dateTime(contact.first_seen, locale)}</dd>
          </>
        ) : null}
      </dl>

      {children}

      {pageViews.length > 0 && (
        <section class="panel-section">
          <h3>{t('pagesVisited')}</h3>
          <ol class="page-trail">
            {pageViews.slice(0, TRAIL_LENGTH).map((view) => (
              <li key={`${view.at}-${view.url}`}>
                <a href={view.url} target="_blank" rel="noopener noreferrer" title={view.url}>
                  {view.title || displayUrl(view.url)}
                </a>
                <time dateTime={new Date(view.at).toISOString()}>{shortTime(view.at, locale, t)}</time>
              </li>
            ))}
          </ol>
        </section>
      )}

      {others.length > 0 && (
        <section class="panel-section">
          <h3>{t('otherDetails')}</h3>
          <dl class="facts">
            {others.map(([key, value]) => (
              <Fragment key={key}>
                <dt>{key}</dt>
                <dd>{value}</dd>
              </Fragment>
            ))}
          </dl>
        </section>
      )}

      {past.length > 0 && (
        <section class="panel-section">
          <h3>{t('pastConversations')}</h3>
          <ul class="past-conversations">
            {past.map((c) => (
              <li key={c.id}>
                <button type="button" class="past-conversation" onClick={() => controller.openConversation(c.id, { readOnly: true })}>
                  <span class="past-date">{dateTime(c.created_at, locale)}</span>
                  <span class="past-preview">{messagePreview(c, t)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
