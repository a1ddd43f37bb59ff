// Marks a contact whose identity the shop signed (docs/identity.md): only a valid
// identity reaches it, so agents may trust its name and e-mail as the shop's.
import { useT } from '../context';

export function VerifiedBadge({ verified }: { verified?: boolean }) {
  const t = useT();
  if (!verified) return null;
  return (
    <span class="badge badge-verified" role="img" aria-label={t('verifiedIdentity')} title={t('verifiedIdentity')}>
      ✓ {t('badgeVerified')}
    </span>
  );
}
