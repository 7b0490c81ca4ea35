import { formatDate, t } from '../../shared/i18n.js';
import { LoadError, Loading, useAsync } from '../ui.js';
import { type AccountSession, revokeSession, sessions as loadSessions } from './account-api.js';
import { FormError, useSubmit } from './account-ui.js';
import { deviceName } from './device.js';

/** Where the account is signed in; every other device can be signed out from here. */
export function SessionsSection() {
  const [list, reload] = useAsync((signal) => loadSessions(signal), []);
  const submit = useSubmit();
  const revoke = async (id: string) => {
    if (await submit.run(() => revokeSession(id))) reload();
  };
  return (
    <section class="account-section" aria-labelledby="sessions-heading" data-testid="account-sessions">
      <h2 id="sessions-heading">{t('account.sessions.title')}</h2>
      <FormError message={submit.error} testid="session-error" />
      {list.state === 'loading' && <Loading />}
      {list.state === 'error' && <LoadError error={list.error} retry={reload} />}
      {list.state === 'ok' && (
        <ul class="account-sessions" role="list">
          {list.value.sessions.map((s) => (
            <SessionRow key={s.id} session={s} busy={submit.busy} onRevoke={() => revoke(s.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SessionRow({ session, busy, onRevoke }: { session: AccountSession; busy: boolean; onRevoke: () => void }) {
  const name = deviceName(session.userAgent);
  return (
    <li class="card account-session" data-testid="session-row" data-current={session.current ? 'true' : 'false'}>
      <div>
        <p class="account-session-name">
          {name} {session.current && <span class="badge badge-this">{t('account.sessions.this')}</span>}
        </p>
        <p class="muted small">
          {t('account.sessions.when', { signedIn: formatDate(session.createdAt, 'short'), lastSeen: formatDate(session.lastSeenAt, 'short') })}
          {session.ip ? ` · ${session.ip}` : ''}
        </p>
      </div>
      {!session.current && (
        <button type="button" class="button button-small button-secondary" data-testid="session-revoke" disabled={busy} onClick={onRevoke}>
          {t('account.sessions.revoke')}
          <span class="visually-hidden"> {name}</span>
        </button>
      )}
    </li>
  );
}
