import { useState } from 'preact/hooks';
import { navigate } from '../../shared/router';
import { passkeysSupported } from '../passkeys';
import { refreshSession, signOut } from '../session';
import { AuthCard } from './auth-card';
import { PasskeyEnrol, RecoveryCodes, TotpEnrol } from './enrol';
import { t } from '../i18n';

/**
 * A session in the `enrol` state: the password is set (an invitation just accepted, or access reset
 * by a purge) and nothing opens until a second factor is confirmed. Then the recovery codes, once;
 * then the console.
 */
export function EnrolPage() {
  const [method, setMethod] = useState<'passkey' | 'totp' | null>(passkeysSupported() ? null : 'totp');
  const [codes, setCodes] = useState<string[] | null>(null);

  const finished = async (recoveryCodes: string[] | undefined) => {
    if (recoveryCodes?.length) setCodes(recoveryCodes);
    else await enter();
  };
  const enter = async () => {
    navigate('/console', true);
    await refreshSession();
  };

  if (codes) {
    return (
      <AuthCard title={t('auth.recoveryTitle')} testid="enrol-recovery" wide>
        <RecoveryCodes codes={codes} onSaved={enter} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t('auth.enrolTitle')} testid="enrol" wide>
      <p class="muted">{t('auth.enrolIntro')}</p>
      {method === null && (
        <div class="enrol-choices">
          <button type="button" class="enrol-choice" data-testid="enrol-passkey" onClick={() => setMethod('passkey')}>
            <strong>{t('auth.passkeyOption')}</strong>
            <span class="small muted">{t('auth.passkeyOptionHint')}</span>
          </button>
          <button type="button" class="enrol-choice" data-testid="enrol-totp" onClick={() => setMethod('totp')}>
            <strong>{t('auth.totpOption')}</strong>
            <span class="small muted">{t('auth.totpOptionHint')}</span>
          </button>
        </div>
      )}
      {method === 'passkey' && <PasskeyEnrol onDone={finished} />}
      {method === 'totp' && <TotpEnrol onDone={finished} />}
      <div class="auth-links">
        {method !== null && passkeysSupported() && (
          <button type="button" class="link-button" onClick={() => setMethod(null)}>
            {t('auth.back')}
          </button>
        )}
        <button type="button" class="link-button" onClick={() => signOut(null)}>
          {t('auth.startOver')}
        </button>
      </div>
    </AuthCard>
  );
}
