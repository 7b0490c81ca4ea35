import { useState } from 'preact/hooks';
import { useSave } from '../hooks';
import { t, tp } from '../i18n';
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
    <Section title={t('account.password')} testid="account-password">
      <form onSubmit={submit} class="form-narrow" noValidate>
        <Field label={t('account.currentPassword')}>
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
        <Field label={t('account.newPassword')} hint={t('account.newPasswordHint')}>
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
        <Field label={t('account.repeatPassword')} error={mismatch ? t('account.mismatch') : null}>
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
        <ErrorNotice error={save.error} title={t('account.passwordNotChanged')} testid="password-error" />
        {save.saved && ended !== null && (
          <Notice tone="success" testid="password-changed">
            {t('account.passwordChanged')} {ended === 0 ? t('account.noOtherSessions') : tp('account.otherSessionsEnded', ended)}
          </Notice>
        )}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={save.busy || !current || !next || mismatch} data-testid="password-submit">
            {save.busy ? t('account.changing') : t('account.changePassword')}
          </button>
        </div>
      </form>
    </Section>
  );
}
