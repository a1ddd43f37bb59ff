import { useEffect } from 'preact/hooks';
import { useSelect, useT } from '../context';
import { LoginForm } from './LoginForm';
import { Shell } from './Shell';

export function App() {
  const boot = useSelect((s) => s.boot);
  const language = useSelect((s) => s.settings.language);
  const t = useT();

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  if (boot === 'starting') {
    return (
      <div class="splash" role="status">
        <span class="brand-mark" aria-hidden="true">J</span>
        <p>{t('connectingServer')}</p>
      </div>
    );
  }
  return boot === 'login' ? <LoginForm /> : <Shell />;
}
