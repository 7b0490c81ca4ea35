import { useState } from 'preact/hooks';
import { formatAgo, formatCount } from '../format';
import { useResource } from '../hooks';
import { t, tp } from '../i18n';
import { Icon } from '../icons';
import { roleLabel } from '../permissions';
import { can, session } from '../session';
import { Badge, ConfirmButton, Empty, ErrorNotice, Loading, PageHeader, Section, withData } from '../ui';
import { InvitationLink, InviteForm } from './invite-form';
import { RoleDialog } from './role-dialog';
import { listStaff, reinviteStaff, type StaffMember, updateStaff } from './staff-api';

function limitsText(s: StaffMember): string {
  if (s.role === 'event_manager') return tp('staff.events', s.eventIds.length);
  if (s.role === 'door') return s.performanceIds.length ? tp('staff.performances', s.performanceIds.length) : t('staff.anyPerformance');
  if (s.role === 'box_office') return t('staff.refundsUpTo', { limit: formatCount(s.refundLimit ?? 0) });
  return '';
}

function Factors({ f }: { f: StaffMember['factors'] }) {
  const parts = [f.passkeys ? tp('staff.passkeys', f.passkeys) : null, f.totp ? t('staff.app') : null].filter(Boolean);
  if (!parts.length) return <span class="muted">{t('staff.noFactors')}</span>;
  return (
    <span>
      {parts.join(' + ')} <span class="muted small">· {tp('staff.codes', f.recoveryCodesLeft)}</span>
    </span>
  );
}

/** Everyone on the staff: role and limits, status, second factors, last use; invite, change, disable, re-invite. */
export function StaffPage() {
  const staff = useResource((signal) => listStaff(signal), []);
  const [inviting, setInviting] = useState(false);
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const manage = can('staff.manage');
  const me = session();
  const myId = me.status === 'ready' ? me.staff.id : '';
  const mayGrantOwner = me.status === 'ready' && me.staff.role === 'owner';

  const reinvite = async (s: StaffMember) => {
    const { invitationUrl } = await reinviteStaff(s.id);
    setLink({ email: s.email, url: invitationUrl });
    staff.reload();
  };
  const setStatus = async (s: StaffMember, status: 'active' | 'disabled') => {
    await updateStaff(s.id, { status });
    staff.reload();
  };

  return (
    <>
      <PageHeader
        title={t('staff.title')}
        subtitle={t('staff.subtitle')}
        actions={
          manage &&
          !inviting && (
            <button type="button" class="btn btn-primary" data-testid="staff-invite-open" onClick={() => setInviting(true)}>
              <Icon name="plus" /> {t('staff.invite')}
            </button>
          )
        }
      />
      <div class="stack">
        {link && <InvitationLink email={link.email} url={link.url} onClose={() => setLink(null)} />}
        {inviting && (
          <InviteForm
            mayGrantOwner={mayGrantOwner}
            onCancel={() => setInviting(false)}
            onInvited={(email, url) => {
              setInviting(false);
              setLink({ email, url });
              staff.reload();
            }}
          />
        )}
        <Section title={t('staff.people')} class="card-flush-body" testid="staff-list">
          <ErrorNotice error={staff.error} />
          {!staff.data && staff.loading && <Loading />}
          {staff.data?.length === 0 && <Empty title={t('staff.none')} />}
          {staff.data && staff.data.length > 0 && (
            <table class="table">
              <thead>
                <tr>
                  <th>{t('staff.colPerson')}</th>
                  <th>{t('staff.colRole')}</th>
                  <th>{t('staff.colStatus')}</th>
                  <th>{t('staff.colFactors')}</th>
                  <th>{t('staff.colLastUse')}</th>
                  {manage && (
                    <th class="actions-col">
                      <span class="visually-hidden">{t('staff.colActions')}</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {staff.data.map((s) => (
                  <tr key={s.id} data-testid="staff-row" data-email={s.email} data-status={s.status} data-role={s.role}>
                    <td>
                      <strong data-user-content>{s.name || s.email}</strong>
                      {s.name && (
                        <div class="small muted" data-user-content>
                          {s.email}
                        </div>
                      )}
                    </td>
                    <td>
                      {roleLabel(s.role)}
                      {limitsText(s) && <div class="small muted">{limitsText(s)}</div>}
                    </td>
                    <td>
                      <Badge status={s.status} testid="staff-status" />
                      {s.disabledReason && (
                        <div class="small muted" data-user-content>
                          {s.disabledReason}
                        </div>
                      )}
                    </td>
                    <td>
                      <Factors f={s.factors} />
                    </td>
                    <td>{s.lastUsedAt ? formatAgo(s.lastUsedAt) : <span class="muted">{t('staff.never')}</span>}</td>
                    {manage && (
                      <td class="actions-col">
                        <div class="row-actions">
                          {s.id !== myId && (s.role !== 'owner' || mayGrantOwner) && (
                            <RoleDialog member={s} mayGrantOwner={mayGrantOwner} onSaved={() => staff.reload()} />
                          )}
                          {s.id !== myId && s.status === 'active' && (
                            <ConfirmButton
                              label={t('staff.disable')}
                              title={withData('staff.disableTitle', { name: s.name || s.email })}
                              confirmLabel={t('staff.disable')}
                              testid="staff-disable"
                              class="btn btn-danger-outline btn-sm"
                              onConfirm={() => setStatus(s, 'disabled')}
                            >
                              <p>{t('staff.disableText')}</p>
                            </ConfirmButton>
                          )}
                          {s.status === 'disabled' && (
                            <ConfirmButton
                              label={t('staff.enable')}
                              title={withData('staff.enableTitle', { name: s.name || s.email })}
                              confirmLabel={t('staff.enable')}
                              tone="primary"
                              testid="staff-enable"
                              class="btn btn-secondary btn-sm"
                              onConfirm={() => setStatus(s, 'active')}
                            >
                              <p>{t('staff.enableText')}</p>
                            </ConfirmButton>
                          )}
                          {s.id !== myId && (
                            <ConfirmButton
                              label={t('staff.reinvite')}
                              title={withData('staff.reinviteTitle', { email: s.email })}
                              confirmLabel={t('staff.sendInvitation')}
                              tone="primary"
                              testid="staff-reinvite"
                              class="btn btn-ghost btn-sm"
                              onConfirm={() => reinvite(s)}
                            >
                              <p>{t('staff.reinviteText')}</p>
                            </ConfirmButton>
                          )}
                        </div>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      </div>
    </>
  );
}
