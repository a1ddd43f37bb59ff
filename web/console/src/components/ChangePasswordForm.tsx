// Settings' "Change password": the current password proves it is the agent, the new one twice
// guards against a typo. The server signs out the agent's other sessions (POST /me/password).
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useController, useT } from '../context';
import type { MessageKey } from '../i18n';
import { errorText } from '../admin/errors';

const MIN_LENGTH = 8;
const MAX_LENGTH = 256;

/** What is wrong with the form before asking the server, or null. */
function localProblem(next: string, repeat: string): MessageKey | null {
  if ([...next].length < MIN_LENGTH || [...next].length > MAX_LENGTH) return 'newPasswordLength';
  if (next !== repeat) return 'passwordsDiffer';
  return null;
}

export function ChangePasswordForm() {
  const controller = useController();
  const t = useT();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setDone(false);
    const problem = localProblem(next, repeat);
    if (problem) {
      setError(t(problem));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await controller.api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    } catch (err) {
      // 403: the server's answer for a wrong current password.
      setError(err instanceof ApiError && err.status === 403 ? t('currentPasswordWrong') : errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form-stack" aria-labelledby="change-password-title" onSubmit={(e) => void submit(e)}>
      <h2 id="change-password-title">{t('changePassword')}</h2>
      <div class="field">
        <label for="password-current">{t('currentPassword')}</label>
        <input id="password-current" type="password" autoComplete="current-password" required
          value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="password-new">{t('newPassword')}</label>
        <input id="password-new" type="password" autoComplete="new-password" required aria-describedby="password-new-hint"
          value={next} onInput={(e) => setNext(e.currentTarget.value)} />
        <small id="password-new-hint" class="muted">{t('passwordHint')}</small>
      </div>
      <div class="field">
        <label for="password-repeat">{t('repeatPassword')}</label>
        <input id="password-repeat" type="password" autoComplete="new-password" required
          value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />
      </div>
      {error && <p class="callout callout-error" role="alert">{error}</p>}
      {done && <p class="callout callout-info" role="status">{t('ownPasswordChanged')}</p>}
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy}>{t('changePassword')}</button>
      </div>
    </form>
  );
}
