import { useState } from 'preact/hooks';
import { useSave } from '../hooks';
import { t } from '../i18n';
import { ErrorNotice, Field, Notice, Section, withData } from '../ui';
import { RoleFields } from './role-fields';
import { inviteStaff, type RoleChoice } from './staff-api';

/** Invites a person: an email with a single-use link (72 hours); they set a password and a second factor. */
export function InviteForm(props: { mayGrantOwner: boolean; onInvited: (email: string, url: string) => void; onCancel: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [choice, setChoice] = useState<RoleChoice>({ role: 'box_office', eventIds: [], performanceIds: [], refundLimit: 0 });
  const save = useSave();
  const submit = (event: Event) => {
    event.preventDefault();
    void save.run(async () => {
      const { invitationUrl } = await inviteStaff({ email: email.trim(), name: name.trim(), ...choice });
      props.onInvited(email.trim(), invitationUrl);
    });
  };
  return (
    <Section title={t('staff.invite')} testid="staff-invite">
      <form onSubmit={submit} class="form-narrow" data-testid="staff-invite-form">
        <Field label={t('staff.email')}>
          {(id) => (
            <input id={id} type="email" required autocomplete="off" data-testid="invite-email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          )}
        </Field>
        <Field label={t('staff.nameOptional')}>
          {(id) => <input id={id} maxLength={200} autocomplete="off" data-testid="invite-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <RoleFields value={choice} onChange={setChoice} mayGrantOwner={props.mayGrantOwner} idPrefix="invite" />
        <ErrorNotice error={save.error} title={t('staff.notInvited')} testid="invite-error" />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={save.busy || !email.trim()} data-testid="invite-send">
            {save.busy ? t('staff.inviting') : t('staff.sendInvitation')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={props.onCancel}>
            {t('ui.cancel')}
          </button>
        </div>
      </form>
    </Section>
  );
}

/** The invitation link, also emailed; shown here once, for handing over another way if mail is slow. */
export function InvitationLink(props: { email: string; url: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <Notice tone="success" title={withData('staff.invitationSent', { email: props.email })} testid="invitation-sent" onClose={props.onClose}>
      <p>{t('staff.invitationText')}</p>
      <p class="invitation-url">
        <code data-testid="invitation-url" data-user-content>
          {props.url}
        </code>{' '}
        <button
          type="button"
          class="btn btn-secondary btn-sm"
          onClick={() =>
            navigator.clipboard?.writeText(props.url).then(
              () => setCopied(true),
              () => {},
            )
          }
        >
          {copied ? t('staff.copied') : t('staff.copy')}
        </button>
      </p>
    </Notice>
  );
}
