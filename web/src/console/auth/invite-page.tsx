import { useState } from 'preact/hooks';
import { refreshSession } from '../session';
import { authPost } from './auth-api';
import { AuthCard, AuthError } from './auth-card';
import { t } from '../i18n';
import { explain } from './text';

/**
 * The token rides in the URL's fragment (never sent to a server, never in a Referer); it is read
 * once and taken out of the address bar, so it is not left in the history of a shared computer.
 */
let token: string | null = null;
function takeToken(): string | null {
  const found = new URLSearchParams(location.hash.slice(1)).get('token');
  if (found) {
    token = found;
    history.replaceState(null, '', location.pathname);
  }
  return token;
}

/** Whether this page holds an invitation not accepted yet (it wins over whatever session the browser has). */
export const holdsInvitation = (): boolean => token !== null || new URLSearchParams(location.hash.slice(1)).has('token');

/** /console/invite#token=…: set a password; the enrolment page follows (the session is then in `enrol`). */
export function InvitePage() {
  const [invitation] = useState(takeToken);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [checked, setChecked] = useState(false);
  const mismatch = checked && repeat !== password;

  const submit = async (event: Event) => {
    event.preventDefault();
    setChecked(true);
    if (repeat !== password || !invitation) return;
    setBusy(true);
    setError(null);
    try {
      await authPost('/api/auth/staff/invitation', { token: invitation, password });
      token = null;
      await refreshSession();
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };

  if (!invitation) {
    return (
      <AuthCard title={t('auth.inviteTitle')} testid="invite">
        <AuthError message={t('auth.noToken')} testid="invite-no-token" />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t('auth.inviteTitle')} testid="invite">
      <p class="muted">{t('auth.inviteIntro')}</p>
      <AuthError message={error} testid="invite-error" />
      <form onSubmit={submit} noValidate>
        <div class={`field ${error ? 'field-invalid' : ''}`}>
          <label for="invite-password">{t('auth.newPassword')}</label>
          <input
            id="invite-password"
            type="password"
            autocomplete="new-password"
            required
            autofocus
            maxLength={1024}
            aria-describedby="invite-password-hint"
            data-testid="invite-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <p class="hint" id="invite-password-hint">
            {t('auth.passwordHint')}
          </p>
        </div>
        <div class={`field ${mismatch ? 'field-invalid' : ''}`}>
          <label for="invite-repeat">{t('auth.repeatPassword')}</label>
          <input
            id="invite-repeat"
            type="password"
            autocomplete="new-password"
            required
            aria-describedby={mismatch ? 'invite-repeat-error' : undefined}
            data-testid="invite-repeat"
            value={repeat}
            onInput={(e) => setRepeat(e.currentTarget.value)}
          />
          {mismatch && (
            <p class="field-error" id="invite-repeat-error">
              {t('auth.mismatch')}
            </p>
          )}
        </div>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy || !password} data-testid="invite-submit">
          {busy ? t('auth.checking') : t('auth.setPassword')}
        </button>
      </form>
    </AuthCard>
  );
}
