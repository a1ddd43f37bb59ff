// The reply box: Enter sends, Shift+Enter adds a line; the draft lives in the store (and
// sessionStorage) per conversation, so switching conversations never loses it. Typing
// "/" and a shortcut offers the matching saved replies, the one in the visitor's language
// first; Enter or Tab inserts one. Files come by "Attach file", a drop onto the composer or a
// paste into the text box.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { carriesFiles, filesOf } from '../../../shared/uploads';
import { useController, useLocale, useSelect, useT } from '../context';
import { byLanguage, replyLanguageLabel, visitorLanguage } from '../replyLanguage';
import type { CannedResponse, Id } from '../types';

const MAX_HEIGHT_PX = 160;
const MAX_SUGGESTIONS = 6;

/**
 * Saved replies whose shortcut starts with what follows the slash ("/ship" → shipping), each
 * shortcut's versions together, the best for the visitor's `language` first.
 */
function suggestionsFor(draft: string, canned: CannedResponse[], language: string): CannedResponse[] {
  const match = /^\/([a-z0-9_-]*)$/.exec(draft);
  if (!match) return [];
  return byLanguage(canned.filter((c) => c.shortcut.startsWith(match[1])), language).slice(0, MAX_SUGGESTIONS);
}

/** The visitor's language as the conversation's contact tells it ("" until known). */
function useVisitorLanguage(id: Id): string {
  const controller = useController();
  const contactId = useSelect((s) => s.conversations[id]?.contact_id);
  const attributes = useSelect((s) => (contactId === undefined ? undefined : s.contacts[contactId]?.attributes));
  useEffect(() => {
    if (contactId !== undefined) void controller.loadContact(contactId);
  }, [contactId]);
  return visitorLanguage(attributes);
}

export function Composer({ id }: { id: Id }) {
  const controller = useController();
  const t = useT();
  const locale = useLocale();
  const draft = useSelect((s) => s.drafts[id] ?? '');
  const language = useVisitorLanguage(id);
  const allCanned = useSelect((s) => s.canned);
  const myTeams = useSelect((s) => s.me?.team_ids);
  // A team's replies are for its members (admins are sent every reply, for managing them).
  const canned = useMemo(
    () => (myTeams ? allCanned.filter((c) => c.team_id == null || myTeams.includes(c.team_id)) : allCanned),
    [allCanned, myTeams],
  );
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const [highlighted, setHighlighted] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const [dropping, setDropping] = useState(false);
  const pickerRef = useRef<HTMLInputElement>(null);
  const suggestions = dismissed ? [] : suggestionsFor(draft, canned, language);
  // A reply's language is shown when it has one, or when its shortcut has others.
  const labelled = (response: CannedResponse) =>
    !!response.language || suggestions.some((other) => other !== response && other.shortcut === response.shortcut);

  useEffect(() => {
    inputRef.current?.focus();
    return () => controller.stopTyping(id);
  }, [id]);

  useEffect(() => {
    setHighlighted(0);
    setDismissed(false);
  }, [draft]);

  // Grow with the text up to a limit, then scroll.
  useLayoutEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [draft]);

  const submit = (event?: Event) => {
    event?.preventDefault();
    controller.send(id);
    inputRef.current?.focus();
  };

  const insert = (response: CannedResponse) => {
    controller.setDraft(id, response.body);
    inputRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (suggestions.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setHighlighted((highlighted + step + suggestions.length) % suggestions.length);
        return;
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault();
        insert(suggestions[highlighted] ?? suggestions[0]);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setDismissed(true);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
  };

  const attach = (files: File[]) => {
    if (files.length) controller.attach(id, files);
    inputRef.current?.focus();
  };
  const onPaste = (event: ClipboardEvent) => {
    const files = filesOf(event.clipboardData);
    if (!files.length) return;
    event.preventDefault();
    attach(files);
  };
  const onDragOver = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    setDropping(true);
  };
  const onDrop = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    setDropping(false);
    attach(filesOf(event.dataTransfer));
  };

  const listId = `composer-canned-${id}`;
  return (
    <form
      class={`composer${dropping ? ' is-dropping' : ''}`}
      onSubmit={submit}
      onDragOver={onDragOver}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropping(false);
      }}
      onDrop={onDrop}
    >
      {dropping && <p class="drop-hint">{t('dropFiles')}</p>}
      {suggestions.length > 0 && (
        <ul class="canned-list" id={listId} role="listbox" aria-label={t('cannedResponses')}>
          {suggestions.map((response, index) => (
            <li
              key={response.id}
              id={`${listId}-${response.id}`}
              role="option"
              aria-selected={index === highlighted}
              onMouseDown={(e) => {
                e.preventDefault(); // keep the focus in the text box
                insert(response);
              }}
            >
              <span class="canned-shortcut">/{response.shortcut}</span>
              {labelled(response) && (
                <span class="canned-language" title={replyLanguageLabel(response.language ?? '', t, locale)}>
                  {response.language || t('anyLanguageShort')}
                </span>
              )}
              <span class="canned-body">{response.title || response.body}</span>
            </li>
          ))}
        </ul>
      )}
      <label class="visually-hidden" for={`composer-${id}`}>{t('message')}</label>
      <textarea
        ref={inputRef}
        id={`composer-${id}`}
        rows={1}
        value={draft}
        placeholder={`${t('message')}…`}
        aria-describedby={`composer-hint-${id}`}
        aria-controls={suggestions.length > 0 ? listId : undefined}
        aria-activedescendant={
          suggestions.length > 0 ? `${listId}-${suggestions[highlighted]?.id}` : undefined
        }
        onInput={(e) => controller.setDraft(id, e.currentTarget.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <input
        ref={pickerRef}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = '';
          attach(files);
        }}
      />
      <button type="button" class="button button-quiet attach-button" aria-label={t('attachFile')} title={t('attachFile')} onClick={() => pickerRef.current?.click()}>
        <svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
          <path d="M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7" />
        </svg>
      </button>
      <button type="submit" class="button button-primary" disabled={!draft.trim()}>
        {t('send')}
      </button>
      <p id={`composer-hint-${id}`} class="composer-hint">{t('composerHint')}</p>
    </form>
  );
}
