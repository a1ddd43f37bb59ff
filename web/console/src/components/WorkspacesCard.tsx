// Settings' "Workspaces": the workspaces the person works in, switching to another, and (for
// admins) creating one, whose first admin they become.
import { useState } from 'preact/hooks';
import { useController, useSelect, useT } from '../context';
import { errorText } from '../admin/errors';
import type { WorkspaceMembership } from '../types';

export function WorkspacesCard() {
  const controller = useController();
  const t = useT();
  const me = useSelect((s) => s.me);
  const current = useSelect((s) => s.workspace);
  const workspaces = useSelect((s) => s.workspaces);
  const mayCreate = useSelect((s) => s.mayCreateWorkspaces);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<WorkspaceMembership | null>(null);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const create = (event: Event) => {
    event.preventDefault();
    const wanted = name.trim();
    if (!wanted) return setError(t('workspaceNameRequired'));
    void run(async () => {
      setCreated(await controller.createWorkspace(wanted));
      setName('');
    });
  };

  const switchTo = (id: number) => void run(() => controller.switchWorkspace(id));
  const listed = workspaces.length ? workspaces : current ? [{ ...current, role: me?.role ?? 'agent' }] : [];

  return (
    <section class="card form-stack" aria-labelledby="workspaces-title">
      <h2 id="workspaces-title">{t('workspaces')}</h2>
      <p class="muted small">{t('workspacesHelp')}</p>
      <ul class="workspace-list" aria-label={t('workspaces')}>
        {listed.map((w) => (
          <li key={w.id} class="workspace-row">
            <span class="item-text">
              <span class="item-title">{w.name}</span>
              <span class="item-sub">{w.role === 'admin' ? t('roleAdmin') : t('roleAgent')}</span>
            </span>
            {w.id === current?.id
              ? <span class="badge" aria-current="true">{t('currentWorkspace')}</span>
              : (
                <button type="button" class="button button-small" disabled={busy} onClick={() => switchTo(w.id)}>
                  {t('switchToWorkspace', { name: w.name })}
                </button>
              )}
          </li>
        ))}
      </ul>
      {mayCreate && (
        <form class="form-stack" aria-labelledby="new-workspace-title" onSubmit={create}>
          <h3 id="new-workspace-title">{t('newWorkspace')}</h3>
          <p class="muted small" id="new-workspace-help">{t('newWorkspaceHelp')}</p>
          <div class="field">
            <label for="new-workspace-name">{t('workspaceName')}</label>
            <input id="new-workspace-name" maxLength={200} aria-describedby="new-workspace-help"
              value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <div class="form-actions">
            <button type="submit" class="button button-primary" disabled={busy}>{t('createWorkspace')}</button>
          </div>
        </form>
      )}
      {error && <p class="callout callout-error" role="alert">{error}</p>}
      {created && (
        <div class="callout callout-info" role="status">
          <span>{t('workspaceCreated', { name: created.name })}</span>{' '}
          <button type="button" class="button button-small" disabled={busy} onClick={() => switchTo(created.id)}>
            {t('switchToWorkspace', { name: created.name })}
          </button>
        </div>
      )}
    </section>
  );
}
