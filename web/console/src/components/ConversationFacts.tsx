// The conversation's own facts in the side panel: how long the visitor waited for an agent
// and for the first answer, its team and its channel.
import { useLocale, useSelect, useT } from '../context';
import { duration } from '../format';
import type { Id } from '../types';

const NOT_YET = '—';

export function ConversationFacts({ id }: { id: Id }) {
  const t = useT();
  const locale = useLocale();
  const conversation = useSelect((s) => s.conversations[id]);
  const team = useSelect((s) => {
    const teamId = s.conversations[id]?.team_id;
    return teamId != null ? s.teams.find((x) => x.id === teamId) : undefined;
  });
  if (!conversation) return null;

  const since = (at: number | null | undefined) => (at ? duration(at - conversation.created_at, locale) : NOT_YET);

  return (
    <section class="panel-section conversation-facts" aria-labelledby={`facts-title-${id}`}>
      <h3 id={`facts-title-${id}`}>{t('conversationDetails')}</h3>
      <dl class="facts">
        <dt>{t('waitTime')}</dt>
        <dd>{since(conversation.first_assigned_at)}</dd>
        <dt>{t('firstResponseTime')}</dt>
        <dd>{since(conversation.first_response_at)}</dd>
        <dt>{t('team')}</dt>
        <dd>{team ? team.name : conversation.team_id != null ? `#${conversation.team_id}` : <span class="muted">{t('noTeam')}</span>}</dd>
        <dt>{t('channel')}</dt>
        <dd>{conversation.channel === 'offline' ? t('channelOffline') : t('channelChat')}</dd>
      </dl>
    </section>
  );
}
