import { useState } from 'preact/hooks';
import { useSave } from '../hooks';
import { ErrorNotice, Field, Notice, Section } from '../ui';
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
    <Section title="Invite someone" testid="staff-invite">
      <form onSubmit={submit} class="form-narrow" data-testid="staff-invite-form">
        <Field label="Email">
          {(id) => (
            <input id={id} type="email" required autocomplete="off" data-testid="invite-email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          )}
        </Field>
        <Field label="Name (optional)">
          {(id) => <input id={id} maxLength={200} autocomplete="off" data-testid="invite-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <RoleFields value={choice} onChange={setChoice} mayGrantOwner={props.mayGrantOwner} idPrefix="invite" />
        <ErrorNotice error={save.error} title="Not invited" testid="invite-error" />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={save.busy || !email.trim()} data-testid="invite-send">
            {save.busy ? 'Inviting…' : 'Send invitation'}
          </button>
          <button type="button" class="btn btn-secondary" onClick={props.onCancel}>
            Cancel
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
    <Notice tone="success" title={`Invitation sent to ${props.email}`} testid="invitation-sent" onClose={props.onClose}>
      <p>The link works once, for 72 hours. It is shown here only now; if the email does not arrive, hand it over in person or by a channel you trust.</p>
      <p class="invitation-url">
        <code data-testid="invitation-url">{props.url}</code>{' '}
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
          {copied ? 'Copied' : 'Copy'}
        </button>
      </p>
    </Notice>
  );
}
