// "Transfer conversation": to another agent or to a team's queue, with an optional internal
// note for whoever takes over. A modal <dialog>: focus stays inside, Escape cancels.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TransferTarget } from '../api';
import { useController, useSelect, useT } from '../context';
import type { Id } from '../types';

function targetOf(value: string): TransferTarget | null {
  const [kind, id] = value.split(':');
  if (!id) return null;
  return kind === 'team' ? { team_id: Number(id) } : { agent_id: Number(id) };
}

export function TransferDialog({ id, onClose }: { id: Id; onClose: () => void }) {
  const controller = useController();
  const t = useT();
  const me = useSelect((s) => s.me);
  const agents = useSelect((s) => s.agents);
  const teams = useSelect((s) => s.teams);
  const assigneeId = useSelect((s) => s.conversations[id]?.assignee_id ?? null);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    void controller.loadTeams(); // teams an admin added since the console started
    return () => dialog?.close();
  }, []);

  const candidates = agents.filter((a) => !a.disabled && a.id !== me?.id && a.id !== assigneeId);
  const chosenAgent = target.startsWith('agent:') ? agents.find((a) => `agent:${a.id}` === target) : undefined;
  const notOnline = chosenAgent && chosenAgent.availability !== undefined && chosenAgent.availability !== 'online';

  const submit = async (event: Event) => {
    event.preventDefault();
    const chosen = targetOf(target);
    if (!chosen || busy) return;
    setBusy(true);
    const done = await controller.transfer(id, chosen, note);
    setBusy(false);
    if (done) onClose();
  };

  return (
    <dialog
      ref={dialogRef}
      class="dialog"
      aria-labelledby={`transfer-title-${id}`}
      aria-describedby={`transfer-help-${id}`}
      onCancel={(e) => { e.preventDefault(); onClose(); }}
    >
      <form class="form-stack" onSubmit={(e) => void submit(e)}>
        <h2 id={`transfer-title-${id}`}>{t('transferTitle')}</h2>
        <p id={`transfer-help-${id}`} class="muted small">{t('transferHelp')}</p>
        <div class="field">
          <label for={`transfer-target-${id}`}>{t('transferTo')}</label>
          <select
            id={`transfer-target-${id}`}
            required
            value={target}
            onChange={(e) => setTarget(e.currentTarget.value)}
          >
            <option value="">{t('transferChoose')}</option>
            {candidates.length > 0 && (
              <optgroup label={t('agents')}>
                {candidates.map((agent) => <option key={agent.id} value={`agent:${agent.id}`}>{agent.name}</option>)}
              </optgroup>
            )}
            {teams.length > 0 && (
              <optgroup label={t('teams')}>
                {teams.map((team) => <option key={team.id} value={`team:${team.id}`}>{team.name}</option>)}
              </optgroup>
            )}
          </select>
          {notOnline && <small class="muted" role="status">{t('transferNotOnline', { name: chosenAgent.name })}</small>}
        </div>
        <div class="field">
          <label for={`transfer-note-${id}`}>{t('transferNote')}</label>
          <textarea
            id={`transfer-note-${id}`}
            rows={3}
            value={note}
            aria-describedby={`transfer-note-hint-${id}`}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          <small id={`transfer-note-hint-${id}`} class="muted">{t('transferNoteHint')}</small>
        </div>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={!target || busy}>{t('transfer')}</button>
          <button type="button" class="button button-quiet" onClick={onClose}>{t('cancel')}</button>
        </div>
      </form>
    </dialog>
  );
}
