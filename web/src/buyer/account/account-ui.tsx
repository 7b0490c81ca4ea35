import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { PageTitle } from '../ui.js';
import { explain } from './account-errors.js';

/** A narrow page with one form: sign in, sign up, confirm, reset. */
export function AuthPage({ title, testid, children }: { title: string; testid: string; children: ComponentChildren }) {
  return (
    <div class="auth-page" data-testid={testid}>
      <PageTitle title={title}>{title}</PageTitle>
      {children}
    </div>
  );
}

/** A refusal the fan must notice: announced at once, and focused so the keyboard starts there. */
export function FormError({ message, testid = 'account-error' }: { message: string | null; testid?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message]);
  if (!message) return null;
  return (
    <div class="notice notice-error" role="alert" data-testid={testid} tabIndex={-1} ref={ref}>
      {message}
    </div>
  );
}

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'text' | 'email' | 'password';
  autocomplete: string;
  help?: string;
  required?: boolean;
  maxLength?: number;
  inputMode?: 'numeric' | 'email' | 'text';
  testid?: string;
}

/** A labelled input with its help text tied to it for screen readers. */
export function Field(props: FieldProps) {
  const helpId = props.help ? `${props.id}-help` : undefined;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        // Preact types <input> per `type` (a union it cannot narrow from a variable); the attributes set here suit all three.
        type={(props.type ?? 'text') as 'text'}
        autocomplete={props.autocomplete}
        inputMode={props.inputMode}
        required={props.required ?? true}
        maxLength={props.maxLength ?? 254}
        spellcheck={false}
        autoCapitalize={props.type === 'text' && props.autocomplete !== 'name' ? 'off' : undefined}
        aria-describedby={helpId}
        data-testid={props.testid ?? props.id}
        value={props.value}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      {props.help && (
        <p class="field-help" id={helpId}>
          {props.help}
        </p>
      )}
    </div>
  );
}

/**
 * Runs a form's request: `busy` while it runs, and its refusal explained. `run` answers whether
 * it succeeded, so the caller can move on.
 */
export function useSubmit(options?: Parameters<typeof explain>[1]) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (e) {
      setError(explain(e, options));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/**
 * The token of an emailed link. The server puts it after `#` (never sent to servers or in
 * Referer); `?token=` is read too. It leaves the address bar at once so it is not kept in
 * history or shared by copying the URL.
 */
export function takeToken(): string | null {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  const fromQuery = new URLSearchParams(location.search).get('token');
  const token = fromHash ?? fromQuery;
  if (token) history.replaceState(history.state, '', location.pathname);
  return token;
}

export function SubmitButton({ busy, label, busyLabel, testid }: { busy: boolean; label: string; busyLabel: string; testid: string }) {
  return (
    <button type="submit" class="button button-primary button-block" disabled={busy} aria-busy={busy ? 'true' : undefined} data-testid={testid}>
      {busy ? busyLabel : label}
    </button>
  );
}
