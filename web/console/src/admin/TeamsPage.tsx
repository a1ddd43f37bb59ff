// Admin: the workspace's teams (departments) — create, rename, choose members, delete.
import { useEffect, useState } from 'preact/hooks';
import { useController, useT } from '../context';
import type { Agent, Id, Team } from '../types';
import { errorText } from './SitesPage';

interface TeamForm {
  name: string;
  members: Id[];
}

const NEW_TEAM: TeamForm = { name: '', members: [] };

const byName = (a: Team, b: Team) => a.name.localeCompare(b.name);

export function TeamsPage() {
  const controller = useController();
  const t = useT();
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [selected, setSelected] = useState<Id | 'new' | null>(null);
  const [form, setForm] = useState<TeamForm>(NEW_TEAM);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const update = (list: Team[]) => {
    const sorted = [...list].sort(byName);
    setTeams(sorted);
    controller.setTeams(sorted); // names on inbox rows, transfer targets
  };

  useEffect(() => {
    controller.api.teams().then(
      ({ items }) => {
        update(items);
        if (items.length) select([...items].sort(byName)[0]);
        else startNew();
      },
      (err) => setError(errorText(err, t)),
    );
    controller.api.agents().then(({ items }) => setAgents(items), (err) => setError(errorText(err, t)));
  }, []);

  const select = (team: Team) => {
    setSelected(team.id);
    setForm({ name: team.name, members: [...team.agent_ids] });
    setError(null);
    setStatus(null);
  };

  const startNew = () => {
    setSelected('new');
    setForm(NEW_TEAM);
    setError(null);
    setStatus(null);
  };

  const toggleMember = (id: Id, member: boolean) =>
    setForm((f) => ({ ...f, members: member ? [...f.members.filter((m) => m !== id), id] : f.members.filter((m) => m !== id) }));

  const save = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    setStatus(null);
    const input = { name: form.name.trim(), agent_ids: form.members };
    try {
      const isNew = selected === 'new' || selected === null;
      const team = isNew ? await controller.api.createTeam(input) : await controller.api.updateTeam(selected, input);
      update([...(teams ?? []).filter((x) => x.id !== team.id), team]);
      select(team);
      setStatus(t('saved'));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    const team = teams?.find((x) => x.id === selected);
    if (!team || !window.confirm(t('confirmDeleteTeam', { name: team.name }))) return;
    try {
      await controller.api.deleteTeam(team.id);
      const rest = (teams ?? []).filter((x) => x.id !== team.id);
      update(rest);
      if (rest.length) select(rest[0]);
      else startNew();
    } catch (err) {
      setError(errorText(err, t));
    }
  };

  const current = teams?.find((x) => x.id === selected);
  const memberNames = (team: Team) =>
    team.agent_ids.map((id) => agents.find((a) => a.id === id)?.name).filter(Boolean).join(', ');

  return (
    <main id="main" class="page admin-page">
      <div class="page-head">
        <h1>{t('teams')}</h1>
        <button type="button" class="button" onClick={startNew}>{t('newTeam')}</button>
      </div>
      <p class="muted">{t('teamsHelp')}</p>
      <div class="master-detail">
        <nav class="item-list" aria-label={t('teams')}>
          {teams === null && !error && <p class="empty-note">{t('loading')}</p>}
          {teams?.length === 0 && <p class="empty-note">{t('noTeams')}</p>}
          <ul>
            {teams?.map((team) => (
              <li key={team.id}>
                <button type="button" class="item" aria-current={team.id === selected ? 'true' : undefined} onClick={() => select(team)}>
                  <span class="item-text">
                    <span class="item-title">{team.name}</span>
                    <span class="item-sub">{memberNames(team) || t('noMembers')}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </nav>

        <div class="detail">
          <form class="card form-stack" onSubmit={(e) => void save(e)} aria-labelledby="team-form-title">
            <h2 id="team-form-title">{selected === 'new' || !current ? t('newTeam') : t('editTeam', { name: current.name })}</h2>
            {error && <p class="callout callout-error" role="alert">{error}</p>}
            <label class="field">
              <span>{t('teamName')}</span>
              <input value={form.name} required maxLength={200} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
            </label>
            <fieldset class="fieldset">
              <legend>{t('members')}</legend>
              {agents.length === 0 && <p class="muted small">{t('noAgents')}</p>}
              <div class="check-grid">
                {agents.map((agent) => (
                  <label class="check" key={agent.id} title={agent.email}>
                    <input
                      type="checkbox"
                      checked={form.members.includes(agent.id)}
                      onChange={(e) => toggleMember(agent.id, e.currentTarget.checked)}
                    />
                    <span>{agent.name}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <div class="form-actions">
              <button type="submit" class="button button-primary" disabled={saving}>
                {selected === 'new' || !current ? t('createTeam') : t('save')}
              </button>
              {status && <span class="muted" role="status">{status}</span>}
              {current && (
                <button type="button" class="button button-danger push-right" onClick={() => void remove()}>{t('deleteTeam')}</button>
              )}
            </div>
          </form>
        </div>
      </div>
    </main>
  );
}
