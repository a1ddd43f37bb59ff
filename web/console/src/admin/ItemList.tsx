// The list beside a master-detail admin form (sites, teams): one button per record, the
// selected one marked as current, and a note while loading or when there is none.
import type { ComponentChildren } from 'preact';
import { useT } from '../context';
import type { Id } from '../types';

export function ItemList<T extends { id: Id }>({ label, items, failed, emptyText, selected, onSelect, children }: {
  label: string;
  items: T[] | null;
  failed: boolean;
  emptyText: string;
  selected: Id | 'new' | null;
  onSelect: (item: T) => void;
  /** What one item's button shows. */
  children: (item: T) => ComponentChildren;
}) {
  const t = useT();
  return (
    <nav class="item-list" aria-label={label}>
      {items === null && !failed && <p class="empty-note">{t('loading')}</p>}
      {items?.length === 0 && <p class="empty-note">{emptyText}</p>}
      <ul>
        {items?.map((item) => (
          <li key={item.id}>
            <button type="button" class="item" aria-current={item.id === selected ? 'true' : undefined} onClick={() => onSelect(item)}>
              {children(item)}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
