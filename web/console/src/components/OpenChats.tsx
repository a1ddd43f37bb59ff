// The conversations open at once, as tabs along the top of the conversation area.
import { useController, useSelect, useT } from '../context';
import { contactName } from '../names';
import { unreadCount } from '../state';
import { moveFocus } from './keyboard';

export function OpenChats() {
  const controller = useController();
  const t = useT();
  const open = useSelect((s) => s.open);
  const activeId = useSelect((s) => s.activeId);
  const conversations = useSelect((s) => s.conversations);
  const contacts = useSelect((s) => s.contacts);
  const readMarks = useSelect((s) => s.readMarks);
  const drafts = useSelect((s) => s.drafts);
  const language = useSelect((s) => s.settings.language);

  if (open.length === 0) return null;
  return (
    <ul class="open-chats" aria-label={t('openConversations')} onKeyDown={(e) => moveFocus(e, '.open-chat-select', 'horizontal')}>
      {open.map(({ id }) => {
        const conversation = conversations[id];
        const name = conversation ? contactName(contacts[conversation.contact_id], conversation.contact_id, language) : `#${id}`;
        const unread = conversation && id !== activeId ? unreadCount(conversation, readMarks[id]) ?? 0 : 0;
        const hasDraft = Boolean(drafts[id]?.trim());
        return (
          <li key={id} class={`open-chat${id === activeId ? ' is-active' : ''}`}>
            <button
              type="button"
              class="open-chat-select"
              aria-current={id === activeId ? 'true' : undefined}
              onClick={() => controller.activate(id)}
            >
              {hasDraft && <span class="draft-dot" aria-hidden="true">✎</span>}
              <span class="open-chat-name">{name}</span>
              {/* Two conversations of one visitor look alike: mark the finished one. */}
              {conversation?.status === 'closed' && <span class="status-pill status-closed">{t('statusClosed')}</span>}
              {unread > 0 && (
                <span class="unread-badge">
                  <span aria-hidden="true">{unread}</span>
                  <span class="visually-hidden">{t('unreadCount', { count: unread })}</span>
                </span>
              )}
            </button>
            <button
              type="button"
              class="open-chat-close"
              aria-label={t('closeTab', { name })}
              title={t('closeTab', { name })}
              onClick={() => controller.closeTab(id)}
            >
              <span aria-hidden="true">×</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
