// The inbox page: conversation list, the open conversations, and the visitor panel.
import { useSelect, useT } from '../context';
import { ConversationFacts } from './ConversationFacts';
import { ConversationView } from './ConversationView';
import { InboxList } from './InboxList';
import { OpenChats } from './OpenChats';
import { VisitorPanel } from './VisitorPanel';

export function InboxPage() {
  const t = useT();
  const activeId = useSelect((s) => s.activeId);
  const readOnly = useSelect((s) => s.open.find((chat) => chat.id === s.activeId)?.readOnly ?? false);
  const contactId = useSelect((s) => (s.activeId !== null ? s.conversations[s.activeId]?.contact_id : undefined));

  return (
    <div class="inbox-layout">
      <InboxList />
      <main id="main" class="conversation-area">
        <OpenChats />
        {activeId !== null ? (
          <ConversationView key={activeId} id={activeId} readOnly={readOnly} />
        ) : (
          <div class="empty-state">
            <p>{t('noConversationOpen')}</p>
          </div>
        )}
      </main>
      <aside class="visitor-panel" aria-label={t('visitor')}>
        {contactId !== undefined && (
          <VisitorPanel contactId={contactId} activeId={activeId!}>
            <ConversationFacts id={activeId!} />
          </VisitorPanel>
        )}
      </aside>
    </div>
  );
}
