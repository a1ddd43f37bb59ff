// The conversations of the inbox's current filter, newest activity first, live.
import { useMemo } from 'preact/hooks';
import { useController, useLocale, useSelect, useT } from '../context';
import { shortTime, messagePreview } from '../format';
import { contactName, initials } from '../names';
import { byActivity, matchesInbox, unreadCount } from '../state';
import { moveFocus } from './keyboard';
import { RowBadges } from './RowBadges';

export function ConversationList() {
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

  return (
    <>
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
                    <span class="row-preview">{messagePreview(conversation, t)}</span>
                    {unread > 0 && (
                      <span class="unread-badge">
                        <span aria-hidden="true">{unread}</span>
                        <span class="visually-hidden">{t('unreadCount', { count: unread })}</span>
                      </span>
                    )}
                  </span>
                  <RowBadges conversation={conversation} />
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
    </>
  );
}
