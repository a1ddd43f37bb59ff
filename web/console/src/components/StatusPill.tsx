// A conversation's status as a small coloured label.
import { useT } from '../context';
import type { ConversationStatus } from '../types';

const STATUS_KEYS = { open: 'statusOpen', pending: 'statusPending', closed: 'statusClosed' } as const;

export function StatusPill({ status }: { status: ConversationStatus }) {
  const t = useT();
  return <span class={`status-pill status-${status}`}>{t(STATUS_KEYS[status])}</span>;
}
