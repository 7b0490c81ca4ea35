import { useState } from 'preact/hooks';
import { signIn, tokenWorks } from './session';
import { ErrorNotice, Notice } from './ui';

export function SignIn(props: { reason: string | null }) {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const candidate = value.trim();
    if (!candidate) return;
    setBusy(true);
    setRefused(false);
    setError(null);
    try {
      if (await tokenWorks(candidate)) signIn(candidate);
      else setRefused(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in" id="main">
      <form class="sign-in-card" onSubmit={submit} data-testid="sign-in">
        <div class="brand brand-dark">
          <span class="brand-mark" aria-hidden="true">
            T
          </span>{' '}
          Taquilla <span class="brand-sub">Console</span>
        </div>
        <h1>Sign in</h1>
        {props.reason && (
          <Notice tone="warning" testid="sign-in-reason">
            {props.reason}
          </Notice>
        )}
        {refused && (
          <Notice tone="error" testid="sign-in-refused" title="That token was refused.">
            Check that you pasted the whole token.
          </Notice>
        )}
        <ErrorNotice error={error} />
        <div class="field">
          <label for="token">Admin token</label>
          <input
            id="token"
            type="password"
            autocomplete="off"
            spellcheck={false}
            autofocus
            required
            data-testid="token-input"
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
            aria-describedby="token-hint"
          />
          <p class="hint" id="token-hint">
            Printed by the server when it starts (<code>admin token: …</code>) or set in <code>TAQUILLA_ADMIN_TOKEN</code>. It is kept in this tab only and
            forgotten when you close it.
          </p>
        </div>
        <button class="btn btn-primary btn-block" type="submit" disabled={busy} data-testid="sign-in-submit">
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
