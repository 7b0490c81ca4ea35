import { useState } from 'preact/hooks';
import { useSave } from '../hooks';
import { adminApi } from '../session';
import { ErrorNotice, Field, Notice, Section } from '../ui';

/** A new password: the current one first; every other session of the person ends. */
export function PasswordChange() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [ended, setEnded] = useState<number | null>(null);
  const save = useSave();
  const mismatch = repeat !== '' && repeat !== next;
  const submit = (event: Event) => {
    event.preventDefault();
    if (mismatch) return;
    void save.run(async () => {
      const answer = await adminApi<{ sessionsEnded: number }>('/api/auth/staff/password/change', {
        method: 'POST',
        body: { currentPassword: current, newPassword: next },
      });
      setEnded(answer.sessionsEnded);
      setCurrent('');
      setNext('');
      setRepeat('');
    });
  };
  return (
    <Section title="Password" testid="account-password">
      <form onSubmit={submit} class="form-narrow" noValidate>
        <Field label="Current password">
          {(id) => (
            <input
              id={id}
              type="password"
              autocomplete="current-password"
              required
              data-testid="password-current"
              value={current}
              onInput={(e) => setCurrent(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="New password" hint="At least 8 characters; common and breached passwords are refused.">
          {(id, describedBy) => (
            <input
              id={id}
              type="password"
              autocomplete="new-password"
              required
              aria-describedby={describedBy}
              data-testid="password-new"
              value={next}
              onInput={(e) => setNext(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Repeat the new password" error={mismatch ? 'The two passwords are not the same.' : null}>
          {(id, describedBy) => (
            <input
              id={id}
              type="password"
              autocomplete="new-password"
              required
              aria-describedby={describedBy}
              data-testid="password-repeat"
              value={repeat}
              onInput={(e) => setRepeat(e.currentTarget.value)}
            />
          )}
        </Field>
        <ErrorNotice error={save.error} title="Password not changed" testid="password-error" />
        {save.saved && ended !== null && (
          <Notice tone="success" testid="password-changed">
            Password changed. {ended === 0 ? 'You had no other sessions.' : `${ended} other session${ended === 1 ? '' : 's'} ended.`}
          </Notice>
        )}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={save.busy || !current || !next || mismatch} data-testid="password-submit">
            {save.busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </Section>
  );
}
