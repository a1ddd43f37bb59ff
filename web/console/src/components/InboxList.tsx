// The inbox: Unassigned / Mine / All, a status filter, rows newest activity first, live.
import { useMemo } from 'preact/hooks';
import { useController, useLocale, useSelect, useT } from '../context';
import { shortTime } from '../format';
import { contactName, initials } from '../names';
import { byActivity, matchesInbox, unreadCount, type AssigneeTab } from '../state';
import type { ConversationStatus } from '../types';
import { moveFocus } from './keyboard';

const TABS: { tab: AssigneeTab; key: 'tabUnassigned' | 'tabMine' | 'tabAll' }[] = [
  { tab: 'none', key: 'tabUnassigned' },
  { tab: 'me', key: 'tabMine' },
  { tab: 'all', key: 'tabAll' },
];

const STATUSES: { status: ConversationStatus; key: 'statusOpen' | 'statusPending' | 'statusClosed' }[] = [
  { status: 'open', key: 'statusOpen' },
  { status: 'pending', key: 'statusPending' },
  { status: 'closed', key: 'statusClosed' },
];

export function InboxList() {
  const controller = useController();
  const t = useT();
  const locale = useLocale();
  const language = useSelect((s) => s.settings.language);
  const inbox = useSelect((s) => s.inbox);
  const conversations = useSelect((s) => s.conversations);
  const contacts = useSelect((s) => s.contacts);
  const readMarks = useSelect((s) => s.readMarks);
  const activeId = useSelect((s) => s.activeId);
  const myId = useSelect((s) => s.me?.id);

  const rows = useMemo(
    () => Object.values(conversations).filter((c) => matchesInbox(c, inbox, myId)).sort(byActivity),
    [conversations, inbox, myId],
  );

  const onTabKey = (event: KeyboardEvent) => {
    const index = TABS.findIndex((x) => x.tab === inbox.tab);
    let next = index;
    if (event.key === 'ArrowRight') next = (index + 1) % TABS.length;
    else if (event.key === 'ArrowLeft') next = (index + TABS.length - 1) % TABS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = TABS.length - 1;
    else return;
    event.preventDefault();
    controller.setInboxTab(TABS[next].tab);
    document.getElementById(`inbox-tab-${TABS[next].tab}`)?.focus();
  };

  return (
    <section class="inbox" aria-labelledby="inbox-title">
      <div class="inbox-head">
        <h2 id="inbox-title" class="section-title">{t('inbox')}</h2>
        <div class="status-filter">
          <label class="visually-hidden" for="inbox-status">{t('status')}</label>
          <select
            id="inbox-status"
            value={inbox.status}
            onChange={(e) => controller.setInboxStatus(e.currentTarget.value as ConversationStatus)}
          >
            {STATUSES.map((s) => <option key={s.status} value={s.status}>{t(s.key)}</option>)}
          </select>
        </div>
      </div>
      <div class="segmented" role="tablist" aria-label={t('inboxFilter')} onKeyDown={onTabKey}>
        {TABS.map(({ tab, key }) => (
          <button
            key={tab}
            id={`inbox-tab-${tab}`}
            type="button"
            role="tab"
            aria-selected={inbox.tab === tab}
            aria-controls="inbox-panel"
            tabIndex={inbox.tab === tab ? 0 : -1}
            onClick={() => controller.setInboxTab(tab)}
          >
            {t(key)}
          </button>
        ))}
      </div>
      <div id="inbox-panel" class="inbox-panel" role="tabpanel" aria-labelledby={`inbox-tab-${inbox.tab}`}>
        {inbox.error && (
          <div class="callout callout-error" role="alert">
            {t('loadFailed', { message: inbox.error })}{' '}
            <button type="button" class="link-button" onClick={() => void controller.loadInbox()}>{t('retry')}</button>
          </div>
        )}
        <ul class="conversation-list" aria-label={t('conversations')} onKeyDown={(e) => moveFocus(e, '.conversation-row')}>
          {rows.map((conversation) => {
            const name = contactName(contacts[conversation.contact_id], conversation.contact_id, language);
            const unread = unreadCount(conversation, readMarks[conversation.id]) ?? 0;
            return (
              <li key={conversation.id}>
                <button
                  type="button"
                  class={`conversation-row${unread > 0 ? ' is-unread' : ''}`}
                  aria-current={conversation.id === activeId ? 'true' : undefined}
                  onClick={() => controller.openConversation(conversation.id)}
                >
                  <span class="avatar" aria-hidden="true">{initials(name)}</span>
                  <span class="row-main">
                    <span class="row-top">
                      <span class="row-name">{name}</span>
                      <time class="row-time" dateTime={new Date(conversation.updated_at).toISOString()}>
                        {shortTime(conversation.last_message_at || conversation.updated_at, locale, t)}
                      </time>
                    </span>
                    <span class="row-bottom">
                      <span class="row-preview">{conversation.last_message_preview || t('noMessagesYet')}</span>
                      {unread > 0 && (
                        <span class="unread-badge">
                          <span aria-hidden="true">{unread}</span>
                          <span class="visually-hidden">{t('unreadCount', { count: unread })}</span>
                        </span>
                      )}
                    </span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
        {rows.length === 0 && !inbox.loading && !inbox.error && <p class="empty-note">{t('emptyInbox')}</p>}
        {inbox.loading && <p class="empty-note" role="status">{t('loading')}</p>}
        {inbox.cursor && !inbox.loading && (
          <button type="button" class="button button-quiet button-wide" onClick={() => void controller.loadInbox({ more: true })}>
            {t('loadMore')}
          </button>
        )}
      </div>
    </section>
  );
}
