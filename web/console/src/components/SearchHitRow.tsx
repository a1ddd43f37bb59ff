// One conversation a search found: who it is with, its status and last activity, and the
// matching messages with the matched words marked. Opens the conversation in the inbox at its
// newest match.
import { useController, useLocale, useSelect, useT } from '../context';
import { dateTime, shortTime } from '../format';
import { contactName, initials } from '../names';
import type { Focus } from '../state';
import type { SearchHit, SearchMatch } from '../types';
import { Snippet } from './Snippet';
import { StatusPill } from './StatusPill';

/** The message a result opens at, with the words the search marked in it. */
function focusOf(match: SearchMatch | undefined): Focus | undefined {
  return match && { seq: match.seq, words: match.snippet.filter((s) => s.mark).map((s) => s.text) };
}

function MatchLine({ match, visitorName }: { match: SearchMatch; visitorName: string }) {
  const t = useT();
  const locale = useLocale();
  const author = match.author_kind === 'visitor' ? visitorName : match.author_name || t('agentFallback');
  return (
    <span class="hit-match">
      <span class="hit-author">{author}</span>
      <time class="hit-match-time" dateTime={new Date(match.created_at).toISOString()}>{shortTime(match.created_at, locale, t)}</time>
      <Snippet segments={match.snippet} />
    </span>
  );
}

export function SearchHitRow({ hit }: { hit: SearchHit }) {
  const controller = useController();
  const t = useT();
  const locale = useLocale();
  const language = useSelect((s) => s.settings.language);
  const { conversation, contact, matches } = hit;
  const name = contactName(contact, contact.id, language);
  const activity = conversation.last_message_at || conversation.updated_at;

  return (
    <button type="button" class="search-hit" onClick={() => controller.openInInbox(conversation, contact, focusOf(matches[0]))}>
      <span class="avatar" aria-hidden="true">{initials(name)}</span>
      <span class="row-main">
        <span class="row-top">
          <span class="row-name">{name}</span>
          {contact.email && <span class="hit-email">{contact.email}</span>}
          <StatusPill status={conversation.status} />
          <time class="row-time" dateTime={new Date(activity).toISOString()}>{dateTime(activity, locale)}</time>
        </span>
        {matches.map((match) => <MatchLine key={match.message_id} match={match} visitorName={name} />)}
        {matches.length === 0 && <span class="hit-match muted">{t('contactMatched')}</span>}
      </span>
    </button>
  );
}
