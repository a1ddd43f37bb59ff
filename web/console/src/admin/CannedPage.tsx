// Admin: saved replies — the texts agents insert with /shortcut, for everyone or one team, in
// one language or any.
import { useEffect, useState } from 'preact/hooks';
import { useController, useLocale, useSelect, useT } from '../context';
import { replyLanguageLabel } from '../replyLanguage';
import type { CannedResponse, Id, Team } from '../types';
import { ErrorCallout } from './ErrorCallout';
import { ReplyLanguageSelect } from './ReplyLanguageSelect';
import { errorText } from './errors';

interface ReplyForm {
  shortcut: string;
  title: string;
  body: string;
  /** '' is the whole workspace. */
  team: string;
  /** '' is any language. */
  language: string;
}

const NEW_REPLY: ReplyForm = { shortcut: '', title: '', body: '', team: '', language: '' };

function formOf(reply: CannedResponse): ReplyForm {
  return {
    shortcut: reply.shortcut, title: reply.title, body: reply.body, team: reply.team_id != null ? String(reply.team_id) : '',
    language: reply.language ?? '',
  };
}

/** By shortcut, then the one for any language before those for one. */
function byShortcut(a: CannedResponse, b: CannedResponse): number {
  return a.shortcut.localeCompare(b.shortcut) || (a.language ?? '').localeCompare(b.language ?? '');
}

export function CannedPage() {
  const controller = useController();
  const t = useT();
  const locale = useLocale();
  const teams = useSelect((s) => s.teams);
  const [replies, setReplies] = useState<CannedResponse[] | null>(null);
  const [editing, setEditing] = useState<Id | null>(null);
  const [form, setForm] = useState<ReplyForm>(NEW_REPLY);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const update = (list: CannedResponse[]) => {
    setReplies([...list].sort(byShortcut));
    controller.setCanned(); // the reply box's /shortcut list
  };

  useEffect(() => {
    controller.api.cannedResponses().then(({ items }) => setReplies(items), (err) => setError(errorText(err, t)));
    void controller.loadTeams();
  }, []);

  const teamName = (team_id: Id | null | undefined, list: Team[]) =>
    team_id == null ? t('everyone') : list.find((x) => x.id === team_id)?.name ?? `#${team_id}`;
  const languageLabel = (language: string | undefined) => replyLanguageLabel(language ?? '', t, locale);
  /** "shipping", or "shipping (Suomi)" for one language: a shortcut may be there once per language. */
  const nameOf = ({ shortcut, language }: { shortcut: string; language?: string }) =>
    language ? `${shortcut} (${languageLabel(language)})` : shortcut;

  const startEdit = (reply: CannedResponse) => {
    setEditing(reply.id);
    setForm(formOf(reply));
    setError(null);
    setStatus(null);
    document.getElementById('reply-form-title')?.scrollIntoView({ block: 'nearest' });
  };

  const cancel = () => {
    setEditing(null);
    setForm(NEW_REPLY);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    setStatus(null);
    const input = {
      shortcut: form.shortcut.trim().replace(/^\//, ''),
      title: form.title.trim(),
      body: form.body,
      team_id: form.team === '' ? null : Number(form.team),
      language: form.language,
    };
    try {
      const reply = editing === null
        ? await controller.api.createCanned(input)
        : await controller.api.updateCanned(editing, input);
      update([...(replies ?? []).filter((r) => r.id !== reply.id), reply]);
      setEditing(null);
      setForm(NEW_REPLY);
      setStatus(t('saved'));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setSaving(false);
    }
  };

  const remove = async (reply: CannedResponse) => {
    if (!window.confirm(t('confirmDeleteReply', { shortcut: nameOf(reply) }))) return;
    setError(null);
    setStatus(null);
    try {
      await controller.api.deleteCanned(reply.id);
      update((replies ?? []).filter((r) => r.id !== reply.id));
      if (editing === reply.id) cancel();
    } catch (err) {
      setError(errorText(err, t));
    }
  };

  return (
    <main id="main" class="page admin-page">
      <div class="page-head">
        <h1>{t('cannedResponses')}</h1>
      </div>
      <ErrorCallout message={error} />
      {status && <p class="callout callout-success" role="status">{status}</p>}

      <div class="card table-card">
        {replies === null && !error && <p class="empty-note">{t('loading')}</p>}
        {replies?.length === 0 && <p class="empty-note">{t('noReplies')}</p>}
        {replies && replies.length > 0 && (
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('shortcut')}</th>
                <th scope="col">{t('replyTitle')}</th>
                <th scope="col">{t('replyBody')}</th>
                <th scope="col">{t('team')}</th>
                <th scope="col">{t('language')}</th>
                <th scope="col"><span class="visually-hidden">{t('actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {replies.map((reply) => (
                <tr key={reply.id}>
                  <th scope="row"><code>/{reply.shortcut}</code></th>
                  <td>{reply.title}</td>
                  <td class="cell-clip" title={reply.body}>{reply.body}</td>
                  <td>{teamName(reply.team_id, teams)}</td>
                  <td>{languageLabel(reply.language)}</td>
                  <td>
                    <div class="row-actions">
                      <button type="button" class="button button-small" aria-label={t('editOf', { shortcut: nameOf(reply) })} onClick={() => startEdit(reply)}>
                        {t('edit')}
                      </button>
                      <button type="button" class="button button-small button-danger" aria-label={t('deleteOf', { shortcut: nameOf(reply) })} onClick={() => void remove(reply)}>
                        {t('remove')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      <form class="card form-grid" onSubmit={(e) => void save(e)} aria-labelledby="reply-form-title">
        <h2 id="reply-form-title">{editing === null ? t('newReply') : t('editReply', { shortcut: nameOf(form) })}</h2>
        <div class="field">
          <label for="reply-shortcut">{t('shortcut')}</label>
          <input
            id="reply-shortcut"
            required
            maxLength={33}
            pattern="/?[a-z0-9_\-]{1,32}"
            aria-describedby="reply-shortcut-hint"
            value={form.shortcut}
            onInput={(e) => setForm({ ...form, shortcut: e.currentTarget.value })}
          />
          <small id="reply-shortcut-hint" class="muted">{t('shortcutHint')}</small>
        </div>
        <label class="field">
          <span>{t('replyTitle')}</span>
          <input maxLength={200} value={form.title} onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} />
        </label>
        <div class="field">
          <label for="reply-team">{t('team')}</label>
          <select id="reply-team" value={form.team} onChange={(e) => setForm({ ...form, team: e.currentTarget.value })}>
            <option value="">{t('everyone')}</option>
            {teams.map((team) => <option key={team.id} value={String(team.id)}>{team.name}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="reply-language">{t('language')}</label>
          <ReplyLanguageSelect
            id="reply-language"
            describedBy="reply-language-hint"
            value={form.language}
            onChange={(language) => setForm({ ...form, language })}
          />
          <small id="reply-language-hint" class="muted">{t('replyLanguageHint')}</small>
        </div>
        <label class="field field-wide">
          <span>{t('replyBody')}</span>
          <textarea required rows={4} value={form.body} onInput={(e) => setForm({ ...form, body: e.currentTarget.value })} />
        </label>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={saving}>
            {editing === null ? t('addReply') : t('save')}
          </button>
          {editing !== null && <button type="button" class="button button-quiet" onClick={cancel}>{t('cancel')}</button>}
        </div>
      </form>
    </main>
  );
}
