// What the admin pages say when a request fails.
import { ApiError, NetworkError } from '../api';
import type { Translate } from '../i18n';

export function errorText(err: unknown, t: Translate): string {
  if (err instanceof NetworkError) return t('errorNetwork');
  if (err instanceof ApiError) return err.message;
  return t('errorGeneric', { message: err instanceof Error ? err.message : String(err) });
}
