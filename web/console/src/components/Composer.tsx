// The reply box: Enter sends, Shift+Enter adds a line; the draft lives in the store (and
// sessionStorage) per conversation, so switching conversations never loses it.
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { useController, useSelect, useT } from '../context';
import type { Id } from '../types';

const MAX_HEIGHT_PX = 160;

export function Composer({ id }: { id: Id }) {
  const controller = useController();
  const t = useT();
  const draft = useSelect((s) => s.drafts[id] ?? '');
  const inputRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    inputRef.current?.focus();
    return () => controller.stopTyping(id);
  }, [id]);

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

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
  };

  return (
    <form class="composer" onSubmit={submit}>
      <label class="visually-hidden" for={`composer-${id}`}>{t('message')}</label>
      <textarea
        ref={inputRef}
        id={`composer-${id}`}
        rows={1}
        value={draft}
        placeholder={`${t('message')}…`}
        aria-describedby={`composer-hint-${id}`}
        onInput={(e) => controller.setDraft(id, e.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" class="button button-primary" disabled={!draft.trim()}>
        {t('send')}
      </button>
      <p id={`composer-hint-${id}`} class="composer-hint">{t('composerHint')}</p>
    </form>
  );
}
