import { useState } from 'preact/hooks';
import { PasskeyEnrol, RecoveryCodes, TotpEnrol } from '../auth/enrol';
import { formatCount, formatDateTime } from '../format';
import { t, tp } from '../i18n';
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
        title={t('account.title')}
        subtitle={
          <>
            {staff.name && <span data-user-content>{staff.name}</span>}
            {staff.name && ' · '}
            <span data-user-content>{staff.email}</span>
          </>
        }
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
  if (staff.role === 'event_manager') limits.push(tp('account.manages', staff.eventIds.length));
  if (staff.role === 'door') limits.push(staff.performanceIds.length ? tp('account.scansAt', staff.performanceIds.length) : t('account.scansAny'));
  if (staff.role === 'box_office') limits.push(t('account.refundsUpTo', { limit: formatCount(staff.refundLimit ?? 0) }));
  if (!limits.length) return null;
  return (
    <Notice tone="info" title={t('account.limits')} testid="account-limits">
      {limits.join(' ')}
    </Notice>
  );
}

function Factors({ me }: { me: Me }) {
  const { factors } = me.staff;
  const [adding, setAdding] = useState<'passkey' | 'totp' | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [done, setDone] = useState<'passkey' | 'totp' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const added = async (what: 'passkey' | 'totp') => {
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
    <Section title={t('account.factors')} testid="account-factors">
      <div class="stack">
        {done && (
          <Notice tone="success" testid="factor-added" onClose={() => setDone(null)}>
            {done === 'passkey' ? t('account.passkeyAdded') : t('account.appAdded')}
          </Notice>
        )}
        <ErrorNotice error={error} title={t('account.noNewCodes')} onClose={() => setError(null)} />
        <dl class="facts">
          <dt>{t('account.passkeys')}</dt>
          <dd data-testid="factor-passkeys">{factors.passkeys === 0 ? t('account.noPasskeys') : tp('account.registered', factors.passkeys)}</dd>
          <dt>{t('account.app')}</dt>
          <dd data-testid="factor-totp">{factors.totp ? t('account.appSetUp') : t('account.appNotSetUp')}</dd>
          <dt>{t('account.recovery')}</dt>
          <dd data-testid="factor-recovery">{tp('account.left', factors.recoveryCodesLeft)}</dd>
        </dl>
        {codes ? (
          <RecoveryCodes codes={codes} continueLabel={t('account.done')} onSaved={() => setCodes(null)} />
        ) : adding === 'passkey' ? (
          <PasskeyEnrol onDone={() => added('passkey')} />
        ) : adding === 'totp' ? (
          <TotpEnrol onDone={() => added('totp')} />
        ) : (
          <div class="form-actions">
            <button type="button" class="btn btn-secondary" data-testid="add-passkey" onClick={() => setAdding('passkey')}>
              {t('account.addPasskey')}
            </button>
            <button type="button" class="btn btn-secondary" data-testid="add-totp" onClick={() => setAdding('totp')}>
              {factors.totp ? t('account.replaceApp') : t('account.setUpApp')}
            </button>
            <button type="button" class="btn btn-secondary" data-testid="new-recovery-codes" onClick={newCodes}>
              {t('account.newCodes')}
            </button>
          </div>
        )}
        {adding && (
          <p>
            <button type="button" class="link-button" onClick={() => setAdding(null)}>
              {t('account.cancel')}
            </button>
          </p>
        )}
        <p class="hint">{t('account.codesHint', { when: formatDateTime(me.staff.lastUsedAt) })}</p>
      </div>
    </Section>
  );
}
