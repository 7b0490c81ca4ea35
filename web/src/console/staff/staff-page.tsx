import { useState } from 'preact/hooks';
import { formatAgo } from '../format';
import { useResource } from '../hooks';
import { Icon } from '../icons';
import { roleLabel } from '../permissions';
import { can, session } from '../session';
import { Badge, ConfirmButton, Empty, ErrorNotice, Loading, PageHeader, Section } from '../ui';
import { InvitationLink, InviteForm } from './invite-form';
import { RoleDialog } from './role-dialog';
import { listStaff, reinviteStaff, type StaffMember, updateStaff } from './staff-api';

function limitsText(s: StaffMember): string {
  if (s.role === 'event_manager') return `${s.eventIds.length} event${s.eventIds.length === 1 ? '' : 's'}`;
  if (s.role === 'door')
    return s.performanceIds.length ? `${s.performanceIds.length} performance${s.performanceIds.length === 1 ? '' : 's'}` : 'any performance';
  if (s.role === 'box_office') return `refunds up to ${s.refundLimit ?? 0}`;
  return '';
}

function Factors({ f }: { f: StaffMember['factors'] }) {
  const parts = [f.passkeys ? `${f.passkeys} passkey${f.passkeys === 1 ? '' : 's'}` : null, f.totp ? 'app' : null].filter(Boolean);
  if (!parts.length) return <span class="muted">none yet</span>;
  return (
    <span>
      {parts.join(' + ')} <span class="muted small">· {f.recoveryCodesLeft} codes</span>
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
        title="Staff"
        subtitle="Every account that can sign in to the console. Each has a second factor; nobody shares a login."
        actions={
          manage &&
          !inviting && (
            <button type="button" class="btn btn-primary" data-testid="staff-invite-open" onClick={() => setInviting(true)}>
              <Icon name="plus" /> Invite someone
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
        <Section title="People" class="card-flush-body" testid="staff-list">
          <ErrorNotice error={staff.error} />
          {!staff.data && staff.loading && <Loading />}
          {staff.data?.length === 0 && <Empty title="Nobody yet." />}
          {staff.data && staff.data.length > 0 && (
            <table class="table">
              <thead>
                <tr>
                  <th>Person</th>
                  <th>Role</th>
                  <th>Status</th>
                  <th>Second factors</th>
                  <th>Last use</th>
                  {manage && (
                    <th class="actions-col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {staff.data.map((s) => (
                  <tr key={s.id} data-testid="staff-row" data-email={s.email} data-status={s.status} data-role={s.role}>
                    <td>
                      <strong>{s.name || s.email}</strong>
                      {s.name && <div class="small muted">{s.email}</div>}
                    </td>
                    <td>
                      {roleLabel(s.role)}
                      {limitsText(s) && <div class="small muted">{limitsText(s)}</div>}
                    </td>
                    <td>
                      <Badge status={s.status} testid="staff-status" />
                      {s.disabledReason && <div class="small muted">{s.disabledReason}</div>}
                    </td>
                    <td>
                      <Factors f={s.factors} />
                    </td>
                    <td>{s.lastUsedAt ? formatAgo(s.lastUsedAt) : <span class="muted">never</span>}</td>
                    {manage && (
                      <td class="actions-col">
                        <div class="row-actions">
                          {s.id !== myId && (s.role !== 'owner' || mayGrantOwner) && (
                            <RoleDialog member={s} mayGrantOwner={mayGrantOwner} onSaved={() => staff.reload()} />
                          )}
                          {s.id !== myId && s.status === 'active' && (
                            <ConfirmButton
                              label="Disable"
                              title={`Disable ${s.name || s.email}?`}
                              confirmLabel="Disable"
                              testid="staff-disable"
                              class="btn btn-danger-outline btn-sm"
                              onConfirm={() => setStatus(s, 'disabled')}
                            >
                              <p>Every session of this account ends at once, on every server. It can be enabled again.</p>
                            </ConfirmButton>
                          )}
                          {s.status === 'disabled' && (
                            <ConfirmButton
                              label="Enable"
                              title={`Enable ${s.name || s.email}?`}
                              confirmLabel="Enable"
                              tone="primary"
                              testid="staff-enable"
                              class="btn btn-secondary btn-sm"
                              onConfirm={() => setStatus(s, 'active')}
                            >
                              <p>They can sign in again with their password and second factor.</p>
                            </ConfirmButton>
                          )}
                          {s.id !== myId && (
                            <ConfirmButton
                              label="Re-invite"
                              title={`A new invitation for ${s.email}?`}
                              confirmLabel="Send invitation"
                              tone="primary"
                              testid="staff-reinvite"
                              class="btn btn-ghost btn-sm"
                              onConfirm={() => reinvite(s)}
                            >
                              <p>
                                A new single-use link (72 hours) is emailed to them. Accepting it sets a new password and a new second factor: their current
                                ones stop working then.
                              </p>
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
