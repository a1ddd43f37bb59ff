// Admin: a site's identity secrets (docs/identity.md). The shop's backend signs its
// logged-in customers with one; two may be active, so a new one goes into use before the
// old one is retired. Secrets are shown only when asked for, one at a time.
import { useEffect, useState } from 'preact/hooks';
import { useController, useLocale, useT } from '../context';
import type { IdentitySecret, Site } from '../types';
import { errorText } from './errors';

const MAX_SECRETS = 2;

export function IdentityCard({ site }: { site: Site }) {
  const controller = useController();
  const t = useT();
  const locale = useLocale();
  const [secrets, setSecrets] = useState<IdentitySecret[]>([]);
  const [required, setRequired] = useState(!!site.require_verified_identity);
  const [shown, setShown] = useState<number | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);

  const failed = (err: unknown) => setError(errorText(err, t));
  const reload = () =>
    controller.api.identitySecrets(site.id).then(({ items }) => setSecrets(items), failed);

  useEffect(() => {
    setShown(null);
    setStatus('');
    setError(null);
    setRequired(!!site.require_verified_identity);
    void reload();
  }, [site.id]);

  const create = async () => {
    setError(null);
    try {
      const made = await controller.api.createIdentitySecret(site.id);
      await reload();
      setShown(made.n);
    } catch (err) {
      failed(err);
    }
  };
  const retire = async (n: number) => {
    setError(null);
    try {
      await controller.api.retireIdentitySecret(site.id, n);
      if (shown === n) setShown(null);
      await reload();
    } catch (err) {
      failed(err);
    }
  };
  const copy = async (secret: IdentitySecret) => {
    try {
      await navigator.clipboard.writeText(secret.secret);
      setStatus(t('identityCopied'));
    } catch {
      // No clipboard API (plain http): the secret is shown, to select by hand.
      setShown(secret.n);
    }
  };
  const toggleRequired = async (on: boolean) => {
    setError(null);
    try {
      const site2 = await controller.api.requireVerifiedIdentity(site.id, on);
      setRequired(!!site2.require_verified_identity);
    } catch (err) {
      failed(err);
    }
  };

  return (
    <section class="card form-stack" aria-labelledby="identity-title">
      <h2 id="identity-title">{t('identityTitle')}</h2>
      <p class="muted small">{t('identityHelp')}</p>
      {error && <p class="callout callout-error" role="alert">{error}</p>}
      {secrets.length === 0 && <p class="muted">{t('identityNone')}</p>}
      <ul class="plain-list form-stack">
        {secrets.map((secret) => (
          <li key={secret.n} class="form-stack">
            <strong>{t('identitySecretN', { n: String(secret.n) })}</strong>
            <span class="muted small">{new Date(secret.created_at).toLocaleString(locale)}</span>
            {shown === secret.n && (
              <input class="code-field" readOnly value={secret.secret} aria-label={t('identitySecretN', { n: String(secret.n) })}
                onFocus={(e) => e.currentTarget.select()} />
            )}
            <div class="form-actions">
              {shown !== secret.n && (
                <button type="button" class="button" onClick={() => setShown(secret.n)}>
                  {t('identityShow', { n: String(secret.n) })}
                </button>
              )}
              <button type="button" class="button" onClick={() => void copy(secret)}>
                {t('identityCopy', { n: String(secret.n) })}
              </button>
              <button type="button" class="button button-danger" onClick={() => void retire(secret.n)}>
                {t('identityRetire', { n: String(secret.n) })}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <div class="form-actions">
        <button type="button" class="button" disabled={secrets.length >= MAX_SECRETS} onClick={() => void create()}>
          {t('identityCreate')}
        </button>
        <span class="muted" role="status">{status}</span>
      </div>
      <label class="check">
        <input type="checkbox" checked={required} disabled={secrets.length === 0 && !required}
          aria-describedby="identity-require-help" onChange={(e) => void toggleRequired(e.currentTarget.checked)} />
        {t('identityRequire')}
      </label>
      <small id="identity-require-help" class="muted">{t('identityRequireHelp')}</small>
    </section>
  );
}
