// Admin: the workspace's agents — add, change role, languages and capacity, see their teams
// and availability, disable/enable, reset password, remove.
import { useEffect, useState } from 'preact/hooks';
import { useController, useSelect, useT } from '../context';
import type { Agent, Availability, Id, Role, Team } from '../types';
import { errorText } from './errors';

const EMPTY_AGENT = { email: '', name: '', password: '', role: 'agent' as Role, languages: '' };

/** "fi, en-GB sv" → ["fi", "en-GB", "sv"]: tags separated by commas or spaces, each once. */
export function parseLanguages(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((tag) => tag.trim()).filter(Boolean))];
}

const AVAILABILITY_KEYS = {
  online: 'availabilityOnline', away: 'availabilityAway', offline: 'availabilityOffline',
} as const;

/** The most chats the agent takes at once (1–100), saved when the field is left (or Enter). */
function CapacityField({ agent, onSave }: { agent: Agent; onSave: (capacity: number) => void }) {
  const t = useT();
  const saved = agent.capacity ?? 4;
  const [value, setValue] = useState(String(saved));
  useEffect(() => setValue(String(saved)), [saved]);
  return (
    <input
      class="capacity-input"
      type="number"
      min={1}
      max={100}
      required
      aria-label={t('capacityOf', { name: agent.name })}
      value={value}
      onInput={(e) => setValue(e.currentTarget.value)}
      onChange={(e) => {
        const capacity = Number(e.currentTarget.value);
        if (Number.isInteger(capacity) && capacity >= 1 && capacity <= 100 && capacity !== saved) onSave(capacity);
        else if (!Number.isInteger(capacity) || capacity < 1 || capacity > 100) setValue(String(saved));
      }}
    />
  );
}

/** The agent's language tags, saved when the field is left (or Enter). */
function LanguagesField({ agent, onSave }: { agent: Agent; onSave: (languages: string[]) => void }) {
  const t = useT();
  const saved = (agent.languages ?? []).join(', ');
  const [text, setText] = useState(saved);
  useEffect(() => setText(saved), [saved]);
  return (
    <input
      class="languages-input"
      aria-label={t('languagesOf', { name: agent.name })}
      aria-describedby="languages-hint"
      value={text}
      onInput={(e) => setText(e.currentTarget.value)}
      onChange={(e) => {
        const languages = parseLanguages(e.currentTarget.value);
        if (languages.join(', ') !== saved) onSave(languages);
      }}
    />
  );
}

export function AgentsPage() {
  const controller = useController();
  const t = useT();
  const me = useSelect((s) => s.me);
  // Live availability (agent_status events) for the agents the console knows.
  const live = useSelect((s) => s.agents);
  const availabilityOf = (agent: Agent): Availability | undefined =>
    live.find((a) => a.id === agent.id)?.availability ?? agent.availability;
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [teams, setTeams] = useState<Team[]>([]);
  const [form, setForm] = useState(EMPTY_AGENT);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [resetting, setResetting] = useState<Id | null>(null);
  const [newPassword, setNewPassword] = useState('');

  const update = (list: Agent[]) => {
    setAgents(list);
    controller.setAgents(list); // the assignee picker and author names use the same list
  };

  useEffect(() => {
    controller.api.agents().then(({ items }) => update(items), (err) => setError(errorText(err, t)));
    controller.api.teams().then(({ items }) => setTeams(items), () => {});
  }, []);

  /** Team names from the agent's team_ids, or from the teams' members (either may be what the server sends). */
  const teamsOf = (agent: Agent) =>
    teams.filter((team) => agent.team_ids?.includes(team.id) || team.agent_ids.includes(agent.id)).map((team) => team.name);

  const run = async (action: () => Promise<string | null>) => {
    setError(null);
    setStatus(null);
    try {
      setStatus(await action());
    } catch (err) {
      setError(errorText(err, t));
    }
  };

  const create = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const languages = parseLanguages(form.languages);
      const agent = await controller.api.createAgent({
        email: form.email.trim(),
        name: form.name.trim(),
        // None: a colleague who already has a login joins with their own password.
        ...(form.password ? { password: form.password } : {}),
        role: form.role,
        ...(languages.length ? { languages } : {}),
      });
      update([...(agents ?? []), agent]);
      setForm(EMPTY_AGENT);
      return t('agentAdded', { name: agent.name });
    });
  };

  const patch = (agent: Agent, change: { role?: Role; disabled?: boolean; languages?: string[]; capacity?: number }) =>
    run(async () => {
      const updated = await controller.api.updateAgent(agent.id, change);
      update((agents ?? []).map((a) => (a.id === updated.id ? updated : a)));
      return t('saved');
    });

  const setPassword = (agent: Agent) =>
    run(async () => {
      await controller.api.updateAgent(agent.id, { password: newPassword });
      setResetting(null);
      setNewPassword('');
      return t('passwordChanged');
    });

  const remove = (agent: Agent) => {
    if (!window.confirm(t('confirmRemoveAgent', { name: agent.name }))) return;
    void run(async () => {
      await controller.api.removeAgent(agent.id);
      update((agents ?? []).filter((a) => a.id !== agent.id));
      return null;
    });
  };

  return (
    <main id="main" class="page admin-page">
      <div class="page-head">
        <h1>{t('agents')}</h1>
      </div>
      {error && <p class="callout callout-error" role="alert">{error}</p>}
      {status && <p class="callout callout-success" role="status">{status}</p>}

      <div class="card table-card">
        {agents === null && !error && <p class="empty-note">{t('loading')}</p>}
        {agents && (
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('email')}</th>
                <th scope="col">{t('role')}</th>
                <th scope="col">{t('languages')}</th>
                <th scope="col">{t('capacity')}</th>
                <th scope="col">{t('teams')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col"><span class="visually-hidden">{t('actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {agents.map((agent) => {
                const isMe = agent.id === me?.id;
                return [
                  <tr key={agent.id} class={agent.disabled ? 'is-disabled' : ''}>
                    <th scope="row">
                      <span id={`agent-name-${agent.id}`}>{agent.name} {isMe && <span class="muted">{t('youSuffix')}</span>}</span>
                      {availabilityOf(agent) && (
                        <span class="agent-availability muted">
                          <span class={`availability-dot availability-${availabilityOf(agent)}`} aria-hidden="true" />
                          {t(AVAILABILITY_KEYS[availabilityOf(agent)!])}
                        </span>
                      )}
                    </th>
                    <td>{agent.email}</td>
                    <td>
                      <select
                        aria-label={t('roleOf', { name: agent.name })}
                        value={agent.role}
                        disabled={isMe}
                        onChange={(e) => void patch(agent, { role: e.currentTarget.value as Role })}
                      >
                        <option value="agent">{t('roleAgent')}</option>
                        <option value="admin">{t('roleAdmin')}</option>
                      </select>
                    </td>
                    <td>
                      <LanguagesField agent={agent} onSave={(languages) => void patch(agent, { languages })} />
                    </td>
                    <td>
                      <CapacityField agent={agent} onSave={(capacity) => void patch(agent, { capacity })} />
                    </td>
                    <td class="agent-teams">{teamsOf(agent).join(', ') || <span class="muted">—</span>}</td>
                    <td>
                      <span class={`status-pill ${agent.disabled ? 'status-closed' : 'status-open'}`}>
                        {agent.disabled ? t('disabled') : t('active')}
                      </span>
                    </td>
                    <td>
                      <div class="row-actions">
                        {!isMe && (
                          <button type="button" class="button button-small" aria-describedby={`agent-name-${agent.id}`} onClick={() => void patch(agent, { disabled: !agent.disabled })}>
                            {agent.disabled ? t('enable') : t('disable')}
                          </button>
                        )}
                        <button
                          type="button"
                          class="button button-small"
                          aria-expanded={resetting === agent.id}
                          aria-describedby={`agent-name-${agent.id}`}
                          onClick={() => { setResetting(resetting === agent.id ? null : agent.id); setNewPassword(''); }}
                        >
                          {t('resetPassword')}
                        </button>
                        {!isMe && (
                          <button type="button" class="button button-small button-danger" aria-describedby={`agent-name-${agent.id}`} onClick={() => remove(agent)}>
                            {t('remove')}
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>,
                  resetting === agent.id && (
                    <tr key={`reset-${agent.id}`} class="reset-row">
                      <td colSpan={8}>
                        <form class="inline-form" onSubmit={(e) => { e.preventDefault(); void setPassword(agent); }}>
                          <label class="field field-inline">
                            <span>{t('newPasswordFor', { name: agent.name })}</span>
                            <input
                              type="password"
                              autoComplete="new-password"
                              minLength={8}
                              maxLength={256}
                              value={newPassword}
                              onInput={(e) => setNewPassword(e.currentTarget.value)}
                              autoFocus
                            />
                          </label>
                          <button type="submit" class="button button-primary button-small" disabled={newPassword.length < 8}>{t('setPassword')}</button>
                          <button type="button" class="button button-quiet button-small" onClick={() => setResetting(null)}>{t('cancel')}</button>
                        </form>
                      </td>
                    </tr>
                  ),
                ];
              })}
            </tbody>
          </table>
        )}
      </div>

      <form class="card form-grid" onSubmit={create} aria-labelledby="add-agent-title">
        <h2 id="add-agent-title">{t('addAgent')}</h2>
        <label class="field">
          <span>{t('email')}</span>
          <input type="email" required autoComplete="off" value={form.email} onInput={(e) => setForm({ ...form, email: e.currentTarget.value })} />
        </label>
        <label class="field">
          <span>{t('name')}</span>
          <input required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </label>
        <div class="field">
          <label for="new-agent-password">{t('password')}</label>
          <input
            id="new-agent-password"
            type="password"
            minLength={8}
            maxLength={256}
            autoComplete="new-password"
            aria-describedby="agent-password-hint"
            value={form.password}
            onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
          />
          <small id="agent-password-hint" class="muted">{t('newAgentPasswordHint')}</small>
        </div>
        <div class="field">
          <label for="new-agent-role">{t('role')}</label>
          <select id="new-agent-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value as Role })}>
            <option value="agent">{t('roleAgent')}</option>
            <option value="admin">{t('roleAdmin')}</option>
          </select>
        </div>
        <div class="field">
          <label for="new-agent-languages">{t('languages')}</label>
          <input
            id="new-agent-languages"
            placeholder="fi, en"
            aria-describedby="languages-hint"
            value={form.languages}
            onInput={(e) => setForm({ ...form, languages: e.currentTarget.value })}
          />
        </div>
        <p id="languages-hint" class="muted small form-hint">{t('languagesHint')}</p>
        <div class="form-actions">
          <button type="submit" class="button button-primary">{t('addAgent')}</button>
        </div>
      </form>
    </main>
  );
}
