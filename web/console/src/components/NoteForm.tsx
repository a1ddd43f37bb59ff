// Writing an internal note: seen by the workspace's agents only, never by the visitor.
import { useState } from 'preact/hooks';
import { useController, useT } from '../context';
import type { Id } from '../types';

export function NoteForm({ id }: { id: Id }) {
  const controller = useController();
  const t = useT();
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!body.trim() || busy) return;
    setBusy(true);
    if (await controller.addNote(id, body)) setBody('');
    setBusy(false);
  };

  return (
    <form class="note-form" onSubmit={(e) => void submit(e)}>
      <label class="visually-hidden" for={`note-${id}`}>{t('internalNote')}</label>
      <textarea
        id={`note-${id}`}
        rows={1}
        value={body}
        placeholder={t('notePlaceholder')}
        onInput={(e) => setBody(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
        }}
      />
      <button type="submit" class="button button-small note-button" disabled={!body.trim() || busy}>{t('addNote')}</button>
    </form>
  );
}
