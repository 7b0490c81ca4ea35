import { useState } from 'preact/hooks';
import { PasskeyEnrol, RecoveryCodes, TotpEnrol } from '../auth/enrol';
import { formatDateTime } from '../format';
import { roleLabel } from '../permissions';
import { adminApi, type Me, refreshSession, useSession } from '../session';
import { Badge, ErrorNotice, Notice, PageHeader, Section } from '../ui';
import { PasswordChange } from './password-change';
import { SessionsList } from './sessions-list';

/** The signed-in person's own account: factors, recovery codes, password, sessions. */
export function AccountPage() {
  const session = useSession();
  if (session.status !== 'ready') return null;
  const { staff } = session;
  return (
    <>
      <PageHeader
        title="My account"
        subtitle={`${staff.name ? `${staff.name} · ` : ''}${staff.email}`}
        badge={<Badge status="info" label={roleLabel(staff.role)} />}
      />
      <div class="stack">
        <Limits me={session} />
        <Factors me={session} />
        <PasswordChange />
        <SessionsList />
      </div>
    </>
  );
}

function Limits({ me }: { me: Me }) {
  const { staff } = me;
  const limits: string[] = [];
  if (staff.role === 'event_manager') limits.push(`Manages ${staff.eventIds.length} event${staff.eventIds.length === 1 ? '' : 's'}.`);
  if (staff.role === 'door') limits.push(staff.performanceIds.length ? `Scans at ${staff.performanceIds.length} performance(s).` : 'Scans at any performance.');
  if (staff.role === 'box_office') limits.push(`Refunds up to ${staff.refundLimit ?? 0} (minor units).`);
  if (!limits.length) return null;
  return (
    <Notice tone="info" title="Your role's limits" testid="account-limits">
      {limits.join(' ')}
    </Notice>
  );
}

function Factors({ me }: { me: Me }) {
  const { factors } = me.staff;
  const [adding, setAdding] = useState<'passkey' | 'totp' | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const added = async (what: string) => {
    setAdding(null);
    setDone(what);
    await refreshSession();
  };
  const newCodes = async () => {
    setError(null);
    setDone(null);
    try {
      setCodes((await adminApi<{ recoveryCodes: string[] }>('/api/auth/staff/recovery-codes', { method: 'POST' })).recoveryCodes);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Section title="Second factors" testid="account-factors">
      <div class="stack">
        {done && (
          <Notice tone="success" testid="factor-added" onClose={() => setDone(null)}>
            {done}
          </Notice>
        )}
        <ErrorNotice error={error} title="No new recovery codes" onClose={() => setError(null)} />
        <dl class="facts">
          <dt>Passkeys</dt>
          <dd data-testid="factor-passkeys">{factors.passkeys === 0 ? 'None' : `${factors.passkeys} registered`}</dd>
          <dt>Authenticator app</dt>
          <dd data-testid="factor-totp">{factors.totp ? 'Set up' : 'Not set up'}</dd>
          <dt>Recovery codes</dt>
          <dd data-testid="factor-recovery">{factors.recoveryCodesLeft} left</dd>
        </dl>
        {codes ? (
          <RecoveryCodes codes={codes} continueLabel="Done" onSaved={() => setCodes(null)} />
        ) : adding === 'passkey' ? (
          <PasskeyEnrol onDone={() => added('Passkey added.')} />
        ) : adding === 'totp' ? (
          <TotpEnrol onDone={() => added('Authenticator app set up.')} />
        ) : (
          <div class="form-actions">
            <button type="button" class="btn btn-secondary" data-testid="add-passkey" onClick={() => setAdding('passkey')}>
              Add a passkey
            </button>
            <button type="button" class="btn btn-secondary" data-testid="add-totp" onClick={() => setAdding('totp')}>
              {factors.totp ? 'Replace the authenticator app' : 'Set up an authenticator app'}
            </button>
            <button type="button" class="btn btn-secondary" data-testid="new-recovery-codes" onClick={newCodes}>
              New recovery codes
            </button>
          </div>
        )}
        {adding && (
          <p>
            <button type="button" class="link-button" onClick={() => setAdding(null)}>
              Cancel
            </button>
          </p>
        )}
        <p class="hint">
          New recovery codes replace the old ones, which stop working; they need your second factor again. Last use: {formatDateTime(me.staff.lastUsedAt)}.
        </p>
      </div>
    </Section>
  );
}
