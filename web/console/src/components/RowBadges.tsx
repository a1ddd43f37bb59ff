// The small labels on a conversation's row: left with the offline form, missed (until an agent
// answers: the chat stays missed in reports, but nobody needs to act on it any more), its team.
import { useSelect, useT } from '../context';
import { needsAnswer } from '../state';
import type { Conversation } from '../types';

export function RowBadges({ conversation }: { conversation: Conversation }) {
  const t = useT();
  const team = useSelect((s) =>
    conversation.team_id != null ? s.teams.find((x) => x.id === conversation.team_id) : undefined);
  const missed = needsAnswer(conversation);
  if (conversation.channel !== 'offline' && !missed && !team) return null;
  return (
    <span class="row-badges">
      {conversation.channel === 'offline' && <span class="badge badge-offline">{t('badgeOffline')}</span>}
      {missed && <span class="badge badge-missed">{t('badgeMissed')}</span>}
      {team && (
        <span class="badge badge-team">
          <span class="visually-hidden">{t('teamPrefix')}: </span>
          {team.name}
        </span>
      )}
    </span>
  );
}
