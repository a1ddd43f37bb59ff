import { useRef, useState } from 'preact/hooks';
import { useController, useSelect, useT } from '../context';
import type { MessageKey } from '../i18n';
import { notificationSupport, requestNotificationPermission } from '../notify';

export function LoginForm() {
  const controller = useController();
  const t = useT();
  const notice = useSelect((s) => s.loginNotice);
  const notificationsWanted = useSelect((s) => s.settings.desktopNotifications);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ key: MessageKey; detail?: string } | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    // The click on "Log in" is the user gesture browsers require before asking.
    if (notificationsWanted && notificationSupport() === 'default') void requestNotificationPermission();
    setBusy(true);
    setError(null);
    const failure = await controller.login(email.trim(), password);
    if (failure) {
      setBusy(false);
      setError(failure);
      if (failure.key === 'errorCredentials') {
        setPassword('');
        passwordRef.current?.focus();
      }
    }
  };

  return (
    <main class="login-page">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <div class="login-brand">
          <span class="brand-mark" aria-hidden="true">J</span>
          <div>
            <h1 id="login-title">{t('loginTitle')}</h1>
            <p class="muted">{t('loginSubtitle')}</p>
          </div>
        </div>
        {notice && !error && <p class="callout callout-info" role="status">{t(notice)}</p>}
        {error && (
          <p class="callout callout-error" role="alert">
            {t(error.key, { message: error.detail ?? '' })}
          </p>
        )}
        <label class="field">
          <span>{t('email')}</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            autoFocus
          />
        </label>
        <label class="field">
          <span>{t('password')}</span>
          <input
            ref={passwordRef}
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="button button-primary button-wide" disabled={busy || !email || !password}>
          {t('logIn')}
        </button>
        {busy && <p class="muted small" role="status">{t('loggingIn')}</p>}
      </form>
    </main>
  );
}
