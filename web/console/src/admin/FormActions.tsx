// The buttons under a master-detail admin form (sites, teams): create, or save and delete once
// the record exists, with what the last save said between them.
import { useT } from '../context';

/** The part of useRecordEditor the buttons show. */
interface Editing {
  current: object | undefined;
  saving: boolean;
  status: string | null;
}

export function FormActions({ editor, createLabel, deleteLabel, onDelete }: {
  editor: Editing;
  createLabel: string;
  deleteLabel: string;
  onDelete: () => Promise<void>;
}) {
  const t = useT();
  const { current, saving, status } = editor;
  return (
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled={saving}>
        {current ? t('save') : createLabel}
      </button>
      {status && <span class="muted" role="status">{status}</span>}
      {current && (
        <button type="button" class="button button-danger push-right" onClick={() => void onDelete()}>{deleteLabel}</button>
      )}
    </div>
  );
}
