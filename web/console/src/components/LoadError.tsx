// What a page says when its list could not be loaded, with a way to try again.
import { errorText } from '../admin/errors';
import { useT } from '../context';

export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const t = useT();
  return (
    <div class="callout callout-error" role="alert">
      {t('loadFailed', { message: errorText(error, t) })}{' '}
      <button type="button" class="link-button" onClick={onRetry}>{t('retry')}</button>
    </div>
  );
}
