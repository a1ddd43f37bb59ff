// Admin: the workspace's teams (departments) — create, rename, choose members, delete.
import { useEffect, useState } from 'preact/hooks';
import { useController, useT } from '../context';
import type { Agent, Id, Team } from '../types';
import { FormActions } from './FormActions';
import { ItemList } from './ItemList';
import { errorText } from './errors';
import { useRecordEditor } from './useRecordEditor';

interface TeamForm {
  name: string;
  members: Id[];
}

const NEW_TEAM: TeamForm = { name: '', members: [] };

const byName = (a: Team, b: Team) => a.name.localeCompare(b.name);

const teamInput = (form: TeamForm) => ({ name: form.name.trim(), agent_ids: form.members });

export function TeamsPage() {
  const controller = useController();
  const t = useT();
  const [agents, setAgents] = useState<Agent[]>([]);
  const editor = useRecordEditor<Team, TeamForm>({
    load: () => controller.api.teams(),
    blank: () => NEW_TEAM,
    formOf: (team) => ({ name: team.name, members: [...team.agent_ids] }),
    create: (form) => controller.api.createTeam(teamInput(form)),
    update: (id, form) => controller.api.updateTeam(id, teamInput(form)),
    remove: (id) => controller.api.deleteTeam(id),
    order: byName,
    onList: (teams) => controller.setTeams(teams), // names on inbox rows, transfer targets
  });
  const { records: teams, selected, current, form, setForm, error, setError, select, startNew } = editor;
  const save = (event: Event) => editor.save(event);
  const remove = () => editor.remove(t('confirmDeleteTeam', { name: current?.name ?? '' }));

  useEffect(() => {
    controller.api.agents().then(({ items }) => setAgents(items), (err) => setError(errorText(err, t)));
  }, []);

  const toggleMember = (id: Id, member: boolean) =>
    setForm((f) => ({ ...f, members: member ? [...f.members.filter((m) => m !== id), id] : f.members.filter((m) => m !== id) }));

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
        <ItemList label={t('teams')} items={teams} failed={!!error} emptyText={t('noTeams')} selected={selected} onSelect={select}>
          {(team) => (
            <span class="item-text">
              <span class="item-title">{team.name}</span>
              <span class="item-sub">{memberNames(team) || t('noMembers')}</span>
            </span>
          )}
        </ItemList>

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
            <FormActions editor={editor} createLabel={t('createTeam')} deleteLabel={t('deleteTeam')} onDelete={remove} />
          </form>
        </div>
      </div>
    </main>
  );
}
