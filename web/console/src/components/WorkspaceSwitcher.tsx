// The top bar's workspace: its name, and a switcher when the person works in several.
import { useState } from 'preact/hooks';
import { useController, useSelect, useT } from '../context';
import { errorText } from '../admin/errors';

export function WorkspaceSwitcher() {
  const controller = useController();
  const t = useT();
  const workspace = useSelect((s) => s.workspace);
  const workspaces = useSelect((s) => s.workspaces);
  const [busy, setBusy] = useState(false);
  if (!workspace) return null;
  if (workspaces.length < 2) return <span class="workspace-name">{workspace.name}</span>;

  const choose = async (id: number) => {
    if (id === workspace.id) return;
    setBusy(true);
    try {
      await controller.switchWorkspace(id);
    } catch (err) {
      controller.showNotice(errorText(err, t));
      setBusy(false);
    }
  };

  return (
    <select
      class="workspace-switcher"
      aria-label={t('workspace')}
      value={workspace.id}
      disabled={busy}
      onChange={(e) => void choose(Number(e.currentTarget.value))}
    >
      {workspaces.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}
    </select>
  );
}
