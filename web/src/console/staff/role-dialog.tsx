import { useId, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { roleLabel } from '../permissions';
import { ErrorNotice, withData } from '../ui';
import { RoleFields } from './role-fields';
import { limitsOf, type RoleChoice, type StaffMember, updateStaff } from './staff-api';

/** Changes a person's role or its limits. A new role ends their sessions (less access takes effect now). */
export function RoleDialog(props: { member: StaffMember; mayGrantOwner: boolean; onSaved: () => void }) {
  const { member } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const initial = (): RoleChoice => ({
    role: member.role,
    eventIds: member.eventIds,
    performanceIds: member.performanceIds,
    refundLimit: member.refundLimit ?? 0,
  });
  const [choice, setChoice] = useState<RoleChoice>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await updateStaff(member.id, { role: choice.role, ...limitsOf(choice) });
      dialog.current?.close();
      props.onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        class="btn btn-secondary btn-sm"
        data-testid="staff-role"
        onClick={() => {
          setChoice(initial());
          setError(null);
          dialog.current?.showModal();
        }}
      >
        {t('staff.changeRole')}
      </button>
      <dialog ref={dialog} class="dialog" aria-labelledby={titleId} data-testid="staff-role-dialog">
        <form onSubmit={save}>
          <h2 id={titleId}>{withData('staff.roleOf', { name: member.name || member.email })}</h2>
          <div class="dialog-body">
            <p class="muted small">{t('staff.roleNow', { role: roleLabel(member.role) })}</p>
            <RoleFields value={choice} onChange={setChoice} mayGrantOwner={props.mayGrantOwner} idPrefix="role" />
          </div>
          <ErrorNotice error={error} title={t('staff.notChanged')} />
          <div class="dialog-actions">
            <button type="button" class="btn btn-secondary" onClick={() => dialog.current?.close()} disabled={busy}>
              {t('ui.cancel')}
            </button>
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="staff-role-save">
              {busy ? t('staff.saving') : t('staff.save')}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
