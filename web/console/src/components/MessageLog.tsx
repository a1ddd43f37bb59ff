// The messages of a conversation: paged back by seq, live, with sending / sent / seen; the
// internal notes in between, by time, set apart from what the visitor sees. Files show as
// thumbnails (images, opening the full one) or download links with their size. Opened at a
// search's match, that message is scrolled to and marked, and later ones page in below.
import type { ComponentChildren } from 'preact';
import { humanSize, safeUrl } from '../../../shared/uploads';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { useController, useLocale, useSelect, useT } from '../context';
import { Marked, markWords } from './Snippet';
import { clockTime, dayLabel } from '../format';
import type { Translate } from '../i18n';
import type { Focus, PendingSend } from '../state';
import type { Agent, FileInfo, Id, Message, Note } from '../types';

// Closer than this to the bottom counts as "reading the latest": new messages scroll into view.
const STICK_TO_BOTTOM_PX = 80;

function authorName(message: Message, myId: Id | undefined, agents: Agent[], contactName: string, t: Translate): string {
  if (message.author.kind === 'visitor') return message.author.name || contactName;
  if (message.author.id === myId) return t('you');
  return message.author.name || agents.find((a) => a.id === message.author.id)?.name || t('agentFallback');
}

export function MessageLog({ id, contactName }: { id: Id; contactName: string }) {
  const controller = useController();
  const t = useT();
  const locale = useLocale();
  const thread = useSelect((s) => s.threads[id]);
  const visitorReadSeq = useSelect((s) => s.readMarks[id]?.visitor ?? 0);
  const me = useSelect((s) => s.me);
  const agents = useSelect((s) => s.agents);
  const notes = useSelect((s) => s.notes[id]);

  const logRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const previous = useRef({ firstSeq: 0, scrollHeight: 0 });
  const shownFocus = useRef<Focus | null>(null);

  const messages = thread?.messages ?? [];
  const pending = thread?.pending ?? [];
  const firstSeq = messages[0]?.seq ?? 0;
  const focus = thread?.focus ?? null;
  const hasLater = thread?.hasLater ?? false;

  useLayoutEffect(() => {
    const log = logRef.current;
    if (!log) return;
    if (previous.current.firstSeq && firstSeq < previous.current.firstSeq) {
      // Earlier messages were put above: keep what the agent was looking at in place.
      log.scrollTop += log.scrollHeight - previous.current.scrollHeight;
    } else if (stickToBottom.current && !hasLater) {
      log.scrollTop = log.scrollHeight;
    }
    previous.current = { firstSeq, scrollHeight: log.scrollHeight };
  }, [messages.length, pending.length, firstSeq, notes?.length]);

  // Once per opening at a message, when it is there: scrolled to, and no longer at the bottom.
  useLayoutEffect(() => {
    const found = focus && focus !== shownFocus.current && logRef.current?.querySelector(`[data-seq="${focus.seq}"]`);
    if (!found) return;
    shownFocus.current = focus;
    stickToBottom.current = false;
    found.scrollIntoView({ block: 'center' });
  }, [focus, messages.length]);

  const onScroll = () => {
    const log = logRef.current!;
    stickToBottom.current = log.scrollHeight - log.scrollTop - log.clientHeight < STICK_TO_BOTTOM_PX;
    previous.current.scrollHeight = log.scrollHeight;
  };

  // Sent / Seen is shown once, under my latest acknowledged message.
  let myLastSeq = 0;
  for (const m of messages) if (m.author.kind === 'agent' && m.author.id === me?.id) myLastSeq = m.seq;

  const items: ComponentChildren[] = [];
  let lastDay = '';
  const separate = (at: number, key: string) => {
    const day = dayLabel(at, locale, t);
    if (day !== lastDay) {
      items.push(<div key={`day-${key}`} class="day-separator"><span>{day}</span></div>);
      lastDay = day;
    }
  };
  // Notes go between the messages by time; those outside the loaded pages wait for them.
  const last = messages[messages.length - 1];
  const shownNotes = (notes ?? []).filter((n) => (!thread?.hasEarlier || (messages[0] && n.created_at >= messages[0].created_at))
    && (!hasLater || (last && n.created_at <= last.created_at)));
  let noteIndex = 0;
  const notesUntil = (at: number) => {
    for (; noteIndex < shownNotes.length && shownNotes[noteIndex].created_at <= at; noteIndex++) {
      const note = shownNotes[noteIndex];
      separate(note.created_at, `n-${note.id}`);
      items.push(<InternalNote key={`n-${note.id}`} note={note} myId={me?.id} />);
    }
  };
  for (const message of messages) {
    notesUntil(message.created_at - 1);
    separate(message.created_at, `m-${message.seq}`);
    const mine = message.author.kind === 'agent' && message.author.id === me?.id;
    const side = message.author.kind === 'visitor' ? 'from-visitor' : mine ? 'from-me' : 'from-agent';
    let receipt = '';
    if (mine && message.seq === myLastSeq) receipt = visitorReadSeq >= message.seq ? t('seen') : t('sent');
    const found = focus?.seq === message.seq;
    items.push(
      <div key={`m-${message.seq}`} class={`message ${side}${found ? ' is-found' : ''}`} data-seq={message.seq}>
        <div class="message-meta">
          {found && <span class="visually-hidden">{t('searchMatch')}</span>}
          <span class="message-author">{authorName(message, me?.id, agents, contactName, t)}</span>
          <time dateTime={new Date(message.created_at).toISOString()}>{clockTime(message.created_at, locale)}</time>
        </div>
        <p class="bubble">{found ? <Marked segments={markWords(message.body, focus.words)} /> : message.body}</p>
        {message.attachments && message.attachments.length > 0 && <Attachments files={message.attachments} />}
        {receipt && <div class={`receipt${receipt === t('seen') ? ' is-seen' : ''}`}>{receipt}</div>}
      </div>,
    );
  }
  notesUntil(Infinity);
  if (hasLater && thread?.status === 'ready') {
    items.push(
      <div key="load-later" class="load-later">
        <button
          type="button"
          class="button button-quiet button-small"
          disabled={thread.loadingLater}
          // The page comes in below what the agent reads: it stays in view.
          onClick={() => { stickToBottom.current = false; void controller.loadLater(id); }}
        >
          {thread.loadingLater ? t('loading') : t('loadLater')}
        </button>
      </div>,
    );
  }
  for (const send of pending) items.push(<PendingMessage key={send.clientId} id={id} send={send} />);

  return (
    <div
      ref={logRef}
      class="message-log"
      role="log"
      aria-live="polite"
      aria-label={t('messages')}
      tabIndex={0}
      onScroll={onScroll}
    >
      {thread?.hasEarlier && (
        <div class="load-earlier">
          <button type="button" class="button button-quiet button-small" disabled={thread.loadingEarlier} onClick={() => void controller.loadEarlier(id)}>
            {thread.loadingEarlier ? t('loading') : t('loadEarlier')}
          </button>
        </div>
      )}
      {thread?.status === 'loading' && messages.length === 0 && <p class="empty-note">{t('loading')}</p>}
      {thread?.status === 'error' && (
        <p class="callout callout-error" role="alert">
          {t('loadFailed', { message: thread.error ?? '' })}{' '}
          <button type="button" class="link-button" onClick={() => controller.retryThread(id)}>{t('retry')}</button>
        </p>
      )}
      {thread?.status === 'ready' && messages.length === 0 && pending.length === 0 && shownNotes.length === 0 && <p class="empty-note">{t('noMessagesYet')}</p>}
      {items}
    </div>
  );
}

function Attachments({ files }: { files: FileInfo[] }) {
  return (
    <div class="attachments">
      {files.map((file) => <Attachment key={file.id} file={file} />)}
    </div>
  );
}

function Attachment({ file }: { file: FileInfo }) {
  const locale = useLocale();
  const url = safeUrl(file.url, document.baseURI);
  const thumbnail = safeUrl(file.thumbnail_url, document.baseURI);
  if (!url) return null;
  if (file.kind === 'image' && thumbnail) {
    return (
      <a class="attachment-thumb" href={url} target="_blank" rel="noopener">
        <img src={thumbnail} alt={file.name} width={file.width} height={file.height} />
      </a>
    );
  }
  return (
    <div class="attachment-file">
      <a href={url} download={file.name}>{file.name}</a> ({humanSize(file.size, locale)})
    </div>
  );
}

/** Why a file was not sent, or the message's refusal. */
function failureText(send: PendingSend, t: Translate, locale: string): string {
  const name = send.file?.name ?? '';
  const limit = send.file?.maxBytes;
  if (send.failed === 'file_too_large' && limit) return t('fileTooLargeLimit', { name, limit: humanSize(limit, locale) });
  if (send.failed === 'file_too_large') return t('fileTooLarge', { name });
  if (send.failed === 'file_type_not_allowed') return t('fileTypeNotAllowed', { name });
  if (send.failed === 'upload_failed') return t('uploadFailed', { name });
  if (send.failed === 'conversation_closed') return t('closedNotice');
  return `${t('notSent')} (${send.failed})`;
}

function InternalNote({ note, myId }: { note: Note; myId: Id | undefined }) {
  const t = useT();
  const locale = useLocale();
  return (
    <div class="note" role="note" data-note-id={note.id}>
      <div class="message-meta">
        <span class="note-label">{t('internalNote')}</span>
        <span class="message-author">{note.agent_id === myId ? t('you') : note.author_name || t('agentFallback')}</span>
        <time dateTime={new Date(note.created_at).toISOString()}>{clockTime(note.created_at, locale)}</time>
      </div>
      <p class="note-body">{note.body}</p>
    </div>
  );
}

function PendingMessage({ id, send }: { id: Id; send: PendingSend }) {
  const controller = useController();
  const t = useT();
  const locale = useLocale();
  return (
    <div class={`message from-me is-pending${send.failed ? ' is-failed' : ''}`}>
      <div class="message-meta">
        <span class="message-author">{t('you')}</span>
        <time dateTime={new Date(send.createdAt).toISOString()}>{clockTime(send.createdAt, locale)}</time>
      </div>
      <p class="bubble">{send.body}</p>
      {send.file?.stored ? (
        <Attachments files={[send.file.stored]} />
      ) : send.file && !send.failed ? (
        <div class="attachment-file">
          {send.file.name} ({humanSize(send.file.size, locale)})
          <progress max={1} value={send.file.progress} aria-label={t('uploading', { name: send.file.name })} />
        </div>
      ) : null}
      <div class="receipt" role={send.failed ? 'alert' : undefined}>
        {send.failed ? (
          <>
            {failureText(send, t, locale)}{' '}
            <button type="button" class="link-button" onClick={() => controller.retrySend(id, send.clientId)}>{t('retry')}</button>
            {' · '}
            <button type="button" class="link-button" onClick={() => controller.discardSend(id, send.clientId)}>{t('remove')}</button>
          </>
        ) : (
          t('sending')
        )}
      </div>
    </div>
  );
}
