import { browserAndSystem } from '../../shared/user-agent';
import { formatAgo, formatShortDateTime } from '../format';
import { useResource } from '../hooks';
import { t } from '../i18n';
import { adminApi, signOut } from '../session';
import { ConfirmButton, ErrorNotice, Loading, Section } from '../ui';

interface StaffSession {
  id: string;
  current: boolean;
  state: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  expiresAt: string;
}

/** "Chrome on Linux" from a user agent, enough to recognise one's own devices. */
function device(userAgent: string | null): string {
  if (!userAgent) return t('account.unknownDevice');
  const { browser, system } = browserAndSystem(userAgent);
  return t('account.device', { browser: browser ?? t('account.aBrowser'), system: system ?? t('account.anotherSystem') });
}

/** The person's own sessions, each revocable (this one: sign out). */
export function SessionsList() {
  const sessions = useResource((signal) => adminApi<{ sessions: StaffSession[] }>('/api/auth/staff/sessions', { signal }), []);
  const revoke = async (id: string) => {
    await adminApi(`/api/auth/staff/sessions/${id}`, { method: 'DELETE' });
    sessions.reload();
  };
  return (
    <Section title={t('account.sessions')} class="card-flush-body" testid="account-sessions">
      <ErrorNotice error={sessions.error} />
      {!sessions.data && sessions.loading && <Loading />}
      {sessions.data && (
        <table class="table">
          <thead>
            <tr>
              <th>{t('account.colDevice')}</th>
              <th>{t('account.colAddress')}</th>
              <th>{t('account.colSignedIn')}</th>
              <th>{t('account.colLastSeen')}</th>
              <th class="actions-col">
                <span class="visually-hidden">{t('account.colActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.sessions.map((s) => (
              <tr key={s.id} data-testid="session-row" data-current={s.current ? 'true' : 'false'}>
                <td>
                  {device(s.userAgent)} {s.current && <span class="badge badge-good">{t('account.thisOne')}</span>}
                  {s.state !== 'signed_in' && (
                    <span class="badge badge-neutral">{s.state === 'password' ? t('account.secondFactorDue') : <span data-user-content>{s.state}</span>}</span>
                  )}
                </td>
                <td class="mono">{s.ip ?? '—'}</td>
                <td>{formatShortDateTime(s.createdAt)}</td>
                <td>{formatAgo(s.lastSeenAt)}</td>
                <td class="actions-col">
                  {s.current ? (
                    <button type="button" class="btn btn-ghost btn-sm" onClick={() => signOut(t('shell.signedOut'))}>
                      {t('account.signOut')}
                    </button>
                  ) : (
                    <ConfirmButton
                      label={t('account.revoke')}
                      title={t('account.revokeTitle')}
                      confirmLabel={t('account.revoke')}
                      testid="session-revoke"
                      class="btn btn-danger-outline btn-sm"
                      onConfirm={() => revoke(s.id)}
                    >
                      <p>{t('account.revokeText', { device: device(s.userAgent), address: s.ip ?? t('account.unknownAddress') })}</p>
                    </ConfirmButton>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
