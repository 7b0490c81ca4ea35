import { type ComponentChildren, Fragment } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { statusLabel, statusTone } from './format';
import { formatInteger, getLocale, hasMessage, type MessageKey, type PluralBase, t } from './i18n';

/**
 * A translated text whose `{name}` placeholders (those `t` left, having no value for them) are
 * elements: a date in <strong>, a link, a code sample, a name marked as data. The language decides
 * where they go, so a sentence is never cut into pieces for the translator.
 */
export function withParts(text: string, parts: Record<string, ComponentChildren>): ComponentChildren {
  return text.split(/\{(\w+)\}/).map((piece, i) => (i % 2 === 0 ? piece : <Fragment key={i}>{piece in parts ? parts[piece] : `{${piece}}`}</Fragment>));
}

/** `withParts` for the message `key`. */
export const tn = (key: MessageKey, parts: Record<string, ComponentChildren>): ComponentChildren => withParts(t(key), parts);

/** `tn` for a counted message (`base.one` / `base.other` by the language's plural rules), `{count}` formatted. */
export function tnp(base: PluralBase, count: number, parts: Record<string, ComponentChildren>): ComponentChildren {
  const form = new Intl.PluralRules(getLocale()).select(count) === 'one' ? 'one' : 'other';
  return tn(`${base}.${form}` as MessageKey, { count: formatInteger(count), ...parts });
}

/** Text that is data, not a message (a title, a venue's or a buyer's name, a note someone typed): the Spanish page check skips it. */
export function UserText(props: { children: ComponentChildren }) {
  return <span data-user-content="">{props.children}</span>;
}

/** A message whose {placeholders} are data (a person's name, an email, a key's name), each shown as typed. */
export const withData = (key: MessageKey, params: Record<string, string>): ComponentChildren =>
  tn(key, Object.fromEntries(Object.entries(params).map(([name, value]) => [name, <UserText key={name}>{value}</UserText>])));

export function PageHeader(props: {
  title: ComponentChildren;
  subtitle?: ComponentChildren;
  back?: { href: string; label: string };
  actions?: ComponentChildren;
  badge?: ComponentChildren;
}) {
  return (
    <header class="page-header">
      {props.back && (
        <a class="back-link" href={props.back.href}>
          ← {props.back.label}
        </a>
      )}
      <div class="page-header-row">
        <div class="page-title">
          <h1>
            {props.title} {props.badge}
          </h1>
          {props.subtitle && <p class="subtitle">{props.subtitle}</p>}
        </div>
        {props.actions && <div class="page-actions">{props.actions}</div>}
      </div>
    </header>
  );
}

export function Section(props: { title: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; class?: string; testid?: string }) {
  return (
    <section class={`card ${props.class ?? ''}`} data-testid={props.testid}>
      <div class="card-header">
        <h2>{props.title}</h2>
        {props.actions && <div class="card-actions">{props.actions}</div>}
      </div>
      {props.children}
    </section>
  );
}

type Tone = 'error' | 'success' | 'info' | 'warning';

export function Notice(props: { tone: Tone; title?: ComponentChildren; children?: ComponentChildren; testid?: string; onClose?: () => void }) {
  return (
    <div class={`notice notice-${props.tone}`} role={props.tone === 'error' ? 'alert' : 'status'} data-testid={props.testid}>
      <div class="notice-body">
        {props.title && <strong class="notice-title">{props.title}</strong>}
        {props.children && <div>{props.children}</div>}
      </div>
      {props.onClose && (
        <button type="button" class="notice-close" aria-label={t('ui.dismiss')} onClick={props.onClose}>
          ×
        </button>
      )}
    </div>
  );
}

/**
 * The server's refusals that the console explains in its own words (and language), by their stable
 * code; a weak password by its reason, as the sign-in pages do. Others show the server's own words.
 */
function explainCode(error: ApiError): string | undefined {
  if (error.code === 'weak_password') {
    const reason = (error.body.error as { reason?: string } | undefined)?.reason;
    const key = `auth.${reason}`;
    return reason && hasMessage(key) ? t(key) : t('ui2.error.weak_password');
  }
  const key = `ui2.error.${error.code.endsWith('_not_found') && error.code !== 'route_not_found' ? 'not_found' : error.code}`;
  return hasMessage(key) ? t(key) : undefined;
}

/**
 * What went wrong, in words an operator can act on. `fromServer`: the title is the server's (or the
 * browser's) own message, in English, shown as data rather than as a message of the console.
 */
export function describeError(error: unknown): { title: string; detail?: string; field?: string; fromServer?: boolean; code?: string } {
  if (error instanceof ApiError) {
    const field =
      typeof error.body.error === 'object' && error.body.error && 'field' in error.body.error
        ? String((error.body.error as { field: unknown }).field)
        : undefined;
    if (error.code === 'route_not_found') {
      return { title: t('ui.unsupported'), detail: t('ui.unsupportedDetail', { message: error.message }) };
    }
    if (error.code === 'network') return { title: t('ui.offline'), detail: t('ui.offlineDetail') };
    const detail = t('ui2.errorDetail', { code: error.code, status: error.status });
    const explained = explainCode(error);
    const code = error.code;
    if (explained) return { title: explained, detail, field, code };
    if (error.message) return { title: error.message, detail, field, fromServer: true, code };
    return { title: t('ui.requestFailed', { status: error.status }), detail, field, code };
  }
  return { title: error instanceof Error ? error.message : String(error), fromServer: true };
}

export function ErrorNotice(props: { error: unknown; title?: string; testid?: string; onClose?: () => void }) {
  if (!props.error) return null;
  const { title, detail, field, fromServer, code } = describeError(props.error);
  // The server's words, the field's path and the code are data: they stay as they are in any language.
  const what = fromServer ? <span data-user-content>{title}</span> : title;
  return (
    <Notice tone="error" title={props.title ?? what} testid={props.testid ?? 'error'} onClose={props.onClose}>
      {props.title && <p>{what}</p>}
      {field && (
        <p>
          {t('ui.field')} <code data-user-content>{field}</code>
        </p>
      )}
      {detail && (
        <p class="muted small">
          {code && props.error instanceof ApiError ? withData('ui2.errorDetail', { code, status: String(props.error.status) }) : detail}
        </p>
      )}
    </Notice>
  );
}

/** `of`: what has the status, where a language gives its word a gender ("función cancelada", "pedido cancelado"). */
export function Badge(props: { status: string; label?: string; testid?: string; of?: 'performance' }) {
  return (
    <span class={`badge badge-${statusTone(props.status)}`} data-testid={props.testid} data-status={props.status}>
      {props.label ?? statusLabel(props.status, props.of)}
    </span>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {props.label ?? t('ui.loading')}
    </p>
  );
}

export function Empty(props: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{props.title}</p>
      {props.children}
    </div>
  );
}

export function Field(props: {
  label: ComponentChildren;
  hint?: ComponentChildren;
  error?: string | null;
  children: (id: string, describedBy?: string) => ComponentChildren;
  class?: string;
}) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field ${props.error ? 'field-invalid' : ''} ${props.class ?? ''}`}>
      <label for={id}>{props.label}</label>
      {props.children(id, describedBy)}
      {props.hint && (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={errorId}>
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Stat(props: { label: string; value: ComponentChildren; detail?: ComponentChildren; testid: string; tone?: string }) {
  return (
    <div class={`stat ${props.tone ? `stat-${props.tone}` : ''}`}>
      <span class="stat-label">{props.label}</span>
      <span class={`stat-value ${typeof props.value === 'string' && props.value.length > 9 ? 'stat-value-long' : ''}`} data-testid={props.testid}>
        {props.value}
      </span>
      {props.detail && <span class="stat-detail">{props.detail}</span>}
    </div>
  );
}

/**
 * A button that asks before doing something that can't be undone. Uses the native modal dialog, so
 * focus is trapped, Escape cancels and "Cancel" has the focus at first.
 */
export function ConfirmButton(props: {
  label: ComponentChildren;
  title: ComponentChildren;
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  testid: string;
  tone?: 'danger' | 'primary';
  class?: string;
  disabled?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const titleId = useId();
  const tone = props.tone ?? 'danger';
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      dialog.current?.close();
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
        class={props.class ?? `btn btn-${tone === 'danger' ? 'danger-outline' : 'primary'}`}
        data-testid={props.testid}
        disabled={props.disabled}
        onClick={() => {
          setError(null);
          dialog.current?.showModal();
        }}
      >
        {props.label}
      </button>
      <dialog ref={dialog} class="dialog" aria-labelledby={titleId} data-testid={`${props.testid}-dialog`}>
        <h2 id={titleId}>{props.title}</h2>
        <div class="dialog-body">{props.children}</div>
        <ErrorNotice error={error} />
        <div class="dialog-actions">
          <button type="button" class="btn btn-secondary" autofocus onClick={() => dialog.current?.close()} disabled={busy}>
            {t('ui.cancel')}
          </button>
          <button type="button" class={`btn btn-${tone}`} data-testid={`${props.testid}-confirm`} onClick={confirm} disabled={busy}>
            {busy ? t('ui.working') : props.confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
