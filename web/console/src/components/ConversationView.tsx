// One conversation: who and what state, its messages and internal notes, who is typing, the
// reply box and the note box.
import { useState } from 'preact/hooks';
import { useController, useSelect, useT } from '../context';
import { contactName } from '../names';
import type { Id } from '../types';
import { Composer } from './Composer';
import { MessageLog } from './MessageLog';
import { NoteForm } from './NoteForm';
import { StatusPill } from './StatusPill';
import { TransferDialog } from './TransferDialog';

export function ConversationView({ id, readOnly }: { id: Id; readOnly: boolean }) {
  const controller = useController();
  const t = useT();
  const conversation = useSelect((s) => s.conversations[id]);
  const contact = useSelect((s) => (conversation ? s.contacts[conversation.contact_id] : undefined));
  const language = useSelect((s) => s.settings.language);
  const me = useSelect((s) => s.me);
  const agents = useSelect((s) => s.agents);
  const typing = useSelect((s) => s.typing[id]);
  const [transferring, setTransferring] = useState(false);

  const name = conversation ? contactName(contact, conversation.contact_id, language) : `#${id}`;
  const closed = conversation?.status === 'closed';
  const assignable = agents.filter((a) => !a.disabled || a.id === conversation?.assignee_id);
  // The assignee may be someone this agent cannot list (older servers): still show them.
  const assigneeUnknown = conversation?.assignee_id != null && !assignable.some((a) => a.id === conversation.assignee_id);

  let typingText = '';
  if (typing) typingText = typing.kind === 'visitor' ? t('visitorTyping') : t('agentTyping', { name: typing.name || t('agentFallback') });

  return (
    <section class="conversation" aria-labelledby={`conversation-title-${id}`}>
      <header class="conversation-head">
        <div class="conversation-title">
          <h2 id={`conversation-title-${id}`}>{name}</h2>
          {conversation && <StatusPill status={conversation.status} />}
        </div>
        {conversation && !readOnly && (
          <div class="conversation-actions">
            <div class="assignee-picker">
              <label for={`assignee-${id}`}>{t('assignee')}</label>
              <select
                id={`assignee-${id}`}
                value={conversation.assignee_id === null ? '' : String(conversation.assignee_id)}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  void controller.assign(id, value === '' ? null : Number(value));
                }}
              >
                <option value="">{t('nobody')}</option>
                {assignable.map((agent) => (
                  <option key={agent.id} value={String(agent.id)}>
                    {agent.id === me?.id ? `${agent.name} ${t('youSuffix')}` : agent.name}
                  </option>
                ))}
                {assigneeUnknown && <option value={String(conversation.assignee_id)}>{t('agentFallback')} #{conversation.assignee_id}</option>}
              </select>
            </div>
            {conversation.assignee_id !== me?.id && me && (
              <button type="button" class="button" onClick={() => void controller.assign(id, me.id)}>
                {t('assignToMe')}
              </button>
            )}
            {!closed && (
              <button type="button" class="button" aria-haspopup="dialog" onClick={() => setTransferring(true)}>
                {t('transfer')}
              </button>
            )}
            {closed ? (
              <button type="button" class="button" onClick={() => void controller.reopenConversation(id)}>
                {t('reopen')}
              </button>
            ) : (
              <button type="button" class="button" onClick={() => void controller.closeConversation(id)}>
                {t('close')}
              </button>
            )}
          </div>
        )}
      </header>
      {readOnly && <p class="callout callout-info conversation-note">{t('readOnlyNotice')}</p>}
      {!readOnly && conversation?.channel === 'offline' && (
        <p class="callout callout-info conversation-note">
          {contact?.email ? t('offlineNotice', { email: contact.email }) : t('offlineNoticeNoEmail')}
        </p>
      )}
      <MessageLog id={id} contactName={name} />
      <div class="typing-indicator" role="status" aria-live="polite">
        {typingText && (
          <>
            <span class="typing-dots" aria-hidden="true"><span /><span /><span /></span>
            {typingText}
          </>
        )}
      </div>
      {!readOnly && (closed
        ? <p class="callout callout-info conversation-note">{t('closedNotice')}</p>
        : <Composer id={id} />)}
      {!readOnly && conversation && <NoteForm id={id} />}
      {transferring && <TransferDialog id={id} onClose={() => setTransferring(false)} />}
    </section>
  );
}
