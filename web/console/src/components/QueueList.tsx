// The queue: open chats waiting for an agent, next first, each with a Take button.
import { useController, useLocale, useSelect, useT } from '../context';
import { duration, messagePreview } from '../format';
import { contactName } from '../names';
import { moveFocus } from './keyboard';
import { RowBadges } from './RowBadges';
import { useNow } from './useNow';

export function QueueList() {
  const controller = useController();
  const t = useT();
  const locale = useLocale();
  const language = useSelect((s) => s.settings.language);
  const queue = useSelect((s) => s.queue);
  const contacts = useSelect((s) => s.contacts);
  const conversations = useSelect((s) => s.conversations);
  const activeId = useSelect((s) => s.activeId);
  const now = useNow();
  const rows = queue.items ?? [];

  return (
    <>
      {queue.error && (
        <div class="callout callout-error" role="alert">
          {t('loadFailed', { message: queue.error })}{' '}
          <button type="button" class="link-button" onClick={() => void controller.loadQueue()}>{t('retry')}</button>
        </div>
      )}
      <ul class="conversation-list queue-list" aria-label={t('waitingChats')} onKeyDown={(e) => moveFocus(e, '.conversation-row')}>
        {rows.map((row) => {
          // Events may have brought a newer copy (a preview, a team) than the queue's answer.
          const conversation = conversations[row.id] ?? row;
          const name = contactName(contacts[row.contact.id], row.contact.id, language);
          const nameId = `queue-name-${row.id}`;
          return (
            <li key={row.id} class="queue-row">
              <button
                type="button"
                class="conversation-row"
                aria-current={row.id === activeId ? 'true' : undefined}
                onClick={() => controller.openConversation(row.id)}
              >
                <span class="queue-position" aria-hidden="true">{row.position}</span>
                <span class="visually-hidden">{t('queuePosition', { n: row.position })}</span>
                <span class="row-main">
                  <span class="row-top">
                    <span class="row-name" id={nameId}>{name}</span>
                    <span class="row-time">{t('waitingFor', { time: duration(now - row.created_at, locale) })}</span>
                  </span>
                  <span class="row-bottom">
                    <span class="row-preview">{messagePreview(conversation, t)}</span>
                  </span>
                  <RowBadges conversation={conversation} />
                </span>
              </button>
              <button
                type="button"
                class="button button-primary button-small queue-take"
                aria-describedby={nameId}
                onClick={() => void controller.take(row.id)}
              >
                {t('take')}
              </button>
            </li>
          );
        })}
      </ul>
      {rows.length === 0 && !queue.loading && !queue.error && <p class="empty-note">{t('queueEmpty')}</p>}
      {queue.items === null && queue.loading && <p class="empty-note" role="status">{t('loading')}</p>}
    </>
  );
}
