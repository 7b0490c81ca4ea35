import { browserAndSystem } from '../../shared/user-agent';
import { formatAgo, formatShortDateTime } from '../format';
import { useResource } from '../hooks';
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
  if (!userAgent) return 'Unknown device';
  const { browser, system } = browserAndSystem(userAgent);
  return `${browser ?? 'A browser'} on ${system ?? 'another system'}`;
}

/** The person's own sessions, each revocable (this one: sign out). */
export function SessionsList() {
  const sessions = useResource((signal) => adminApi<{ sessions: StaffSession[] }>('/api/auth/staff/sessions', { signal }), []);
  const revoke = async (id: string) => {
    await adminApi(`/api/auth/staff/sessions/${id}`, { method: 'DELETE' });
    sessions.reload();
  };
  return (
    <Section title="My sessions" class="card-flush-body" testid="account-sessions">
      <ErrorNotice error={sessions.error} />
      {!sessions.data && sessions.loading && <Loading />}
      {sessions.data && (
        <table class="table">
          <thead>
            <tr>
              <th>Device</th>
              <th>Address</th>
              <th>Signed in</th>
              <th>Last seen</th>
              <th class="actions-col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.sessions.map((s) => (
              <tr key={s.id} data-testid="session-row" data-current={s.current ? 'true' : 'false'}>
                <td>
                  {device(s.userAgent)} {s.current && <span class="badge badge-good">This one</span>}
                  {s.state !== 'signed_in' && <span class="badge badge-neutral">{s.state === 'password' ? 'second factor due' : s.state}</span>}
                </td>
                <td class="mono">{s.ip ?? '—'}</td>
                <td>{formatShortDateTime(s.createdAt)}</td>
                <td>{formatAgo(s.lastSeenAt)}</td>
                <td class="actions-col">
                  {s.current ? (
                    <button type="button" class="btn btn-ghost btn-sm" onClick={() => signOut('You signed out.')}>
                      Sign out
                    </button>
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      title="Revoke this session?"
                      confirmLabel="Revoke"
                      testid="session-revoke"
                      class="btn btn-danger-outline btn-sm"
                      onConfirm={() => revoke(s.id)}
                    >
                      <p>
                        {device(s.userAgent)} from {s.ip ?? 'an unknown address'} is signed out at once.
                      </p>
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
