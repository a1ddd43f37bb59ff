// The inbox: Mine & unassigned (where it opens: routing gives new chats to me, and the ones
// nobody has wait beside them) / Queue / Unassigned / Mine / All, each with its count, status and
// missed filters, rows newest activity first, live.
import { useController, useSelect, useT } from '../context';
import type { AssigneeTab } from '../state';
import type { ConversationStatus } from '../types';
import { ConversationList } from './ConversationList';
import { QueueList } from './QueueList';

type TabKey = 'tabMineAndUnassigned' | 'tabQueue' | 'tabUnassigned' | 'tabMine' | 'tabAll';

const TABS: { tab: AssigneeTab; key: TabKey }[] = [
  { tab: 'me_or_none', key: 'tabMineAndUnassigned' },
  { tab: 'queue', key: 'tabQueue' },
  { tab: 'none', key: 'tabUnassigned' },
  { tab: 'me', key: 'tabMine' },
  { tab: 'all', key: 'tabAll' },
];

const STATUSES: { status: ConversationStatus; key: 'statusOpen' | 'statusPending' | 'statusClosed' }[] = [
  { status: 'open', key: 'statusOpen' },
  { status: 'pending', key: 'statusPending' },
  { status: 'closed', key: 'statusClosed' },
];

export function InboxList() {
  const controller = useController();
  const t = useT();
  const inbox = useSelect((s) => s.inbox);
  const waiting = useSelect((s) => s.queue.items?.length ?? 0);
  const counts = useSelect((s) => s.tabCounts);
  const isQueue = inbox.tab === 'queue';

  const onTabKey = (event: KeyboardEvent) => {
    const index = TABS.findIndex((x) => x.tab === inbox.tab);
    let next = index;
    if (event.key === 'ArrowRight') next = (index + 1) % TABS.length;
    else if (event.key === 'ArrowLeft') next = (index + TABS.length - 1) % TABS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = TABS.length - 1;
    else return;
    event.preventDefault();
    controller.setInboxTab(TABS[next].tab);
    document.getElementById(`inbox-tab-${TABS[next].tab}`)?.focus();
  };

  return (
    <section class="inbox" aria-labelledby="inbox-title">
      <div class="inbox-head">
        <h2 id="inbox-title" class="section-title">{t('inbox')}</h2>
        {!isQueue && (
          <div class="status-filter">
            <label class="check check-small">
              <input
                type="checkbox"
                checked={inbox.missed}
                onChange={(e) => controller.setInboxMissed(e.currentTarget.checked)}
              />
              <span>{t('missedFilter')}</span>
            </label>
            <label class="visually-hidden" for="inbox-status">{t('status')}</label>
            <select
              id="inbox-status"
              value={inbox.status}
              onChange={(e) => controller.setInboxStatus(e.currentTarget.value as ConversationStatus)}
            >
              {STATUSES.map((s) => <option key={s.status} value={s.status}>{t(s.key)}</option>)}
            </select>
          </div>
        )}
      </div>
      <div class="segmented" role="tablist" aria-label={t('inboxFilter')} onKeyDown={onTabKey}>
        {TABS.map(({ tab, key }) => (
          <button
            key={tab}
            id={`inbox-tab-${tab}`}
            type="button"
            role="tab"
            aria-selected={inbox.tab === tab}
            aria-controls="inbox-panel"
            tabIndex={inbox.tab === tab ? 0 : -1}
            onClick={() => controller.setInboxTab(tab)}
          >
            {t(key)}
            {tab === 'queue' && waiting > 0 && (
              <span class="tab-count" aria-hidden="true" title={t('queueCount', { count: waiting })}>{waiting}</span>
            )}
            {tab !== 'queue' && counts && (
              <span class="tab-count" aria-hidden="true" title={t('tabCount', { count: counts[tab] })}>{counts[tab]}</span>
            )}
          </button>
        ))}
      </div>
      <div id="inbox-panel" class="inbox-panel" role="tabpanel" aria-labelledby={`inbox-tab-${inbox.tab}`}>
        {isQueue ? <QueueList /> : <ConversationList />}
      </div>
    </section>
  );
}
