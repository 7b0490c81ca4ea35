import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { formatInteger, t } from '../i18n';
import { adminApi } from '../session';
import { ErrorNotice, Field, Notice } from '../ui';
import type { QueueBounds, QueueView } from './queue-panel';
import { inWords } from './refusals';

type BoundKey = keyof QueueBounds;

/** Each bound's label is `queue.settings.<key>` and its hint `queue.settings.<key>Hint`. */
const fields: { key: BoundKey; unit?: string }[] = [
  { key: 'maxInCheckout' },
  { key: 'maxAdmissionsPerMinute', unit: '/min' },
  { key: 'graceSeconds', unit: 's' },
  { key: 'startLimitSeconds', unit: 's' },
];
const label = (key: BoundKey) => t(`queue.settings.${key}`);

/** A whole number of 1 or more, or null. */
function wholeNumber(text: string): number | null {
  const clean = text.trim();
  if (!/^\d+$/.test(clean)) return null;
  const n = Number(clean);
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

/** `body.graceSeconds` (the server's 400) → `graceSeconds`. */
function fieldOfError(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 400) return null;
  const raw = (error.body.error as { field?: unknown } | undefined)?.field;
  return typeof raw === 'string' ? raw.replace(/^body\./, '') : null;
}

/**
 * The room's switch and bounds. Only changed fields are sent; a field the operator hasn't touched
 * follows the live view (another operator's change shows up here too).
 */
export function QueueSettings(props: { performanceId: string; view: QueueView; onSaved: (view: QueueView) => void }) {
  const [draft, setDraft] = useState<Partial<Record<BoundKey, string>>>({});
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [invalid, setInvalid] = useState<Partial<Record<BoundKey, string>>>({});
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const bounds = props.view.bounds;

  const shownValue = (key: BoundKey) => draft[key] ?? String(bounds[key]);
  const changedKeys = fields.map((f) => f.key).filter((key) => draft[key] !== undefined && draft[key]!.trim() !== String(bounds[key]));
  const enabledChanged = enabled !== null && enabled !== props.view.enabled;
  const dirty = changedKeys.length > 0 || enabledChanged;
  const serverField = fieldOfError(error);

  const save = async (event: Event) => {
    event.preventDefault();
    setSaved(null);
    setError(null);
    const problems: Partial<Record<BoundKey, string>> = {};
    const patch: Record<string, number | boolean> = {};
    for (const key of changedKeys) {
      const n = wholeNumber(draft[key]!);
      if (n === null) problems[key] = t('queue.settings.wholeNumber');
      else patch[key] = n;
    }
    setInvalid(problems);
    if (Object.keys(problems).length > 0) return;
    if (enabledChanged) patch.enabled = enabled!;
    if (Object.keys(patch).length === 0) return;
    setBusy(true);
    try {
      const view = await adminApi<QueueView>(`/api/admin/performances/${props.performanceId}/queue`, { method: 'PUT', body: patch });
      setDraft({});
      setEnabled(null);
      const what = Object.keys(patch).map((k) =>
        k === 'enabled' ? t(patch.enabled ? 'queue.settings.roomOn' : 'queue.settings.roomOff') : label(k as BoundKey).toLowerCase(),
      );
      setSaved(t('queue.settings.saved', { what: what.join(', ') }));
      props.onSaved(view);
    } catch (e) {
      setError(inWords(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="queue-settings" onSubmit={save} noValidate data-testid="queue-settings">
      <h3 class="queue-subtitle">{t('queue.settings')}</h3>
      <label class="toggle queue-toggle">
        <input
          type="checkbox"
          checked={enabled ?? props.view.enabled}
          data-testid="queue-enabled"
          onChange={(e) => {
            setEnabled((e.target as HTMLInputElement).checked);
            setSaved(null);
          }}
        />
        {t('queue.settings.switch')}
      </label>
      <div class="queue-fields">
        {fields.map((f) => (
          <Field
            key={f.key}
            label={label(f.key)}
            hint={t(`queue.settings.${f.key}Hint`)}
            error={invalid[f.key] ?? (serverField === f.key ? boundRefusal(error, f.key) : null)}
          >
            {(id, describedBy) => (
              <div class={f.unit ? 'input-affix' : undefined}>
                <input
                  id={id}
                  aria-describedby={describedBy}
                  inputMode="numeric"
                  autoComplete="off"
                  data-testid={`queue-${f.key}`}
                  aria-invalid={invalid[f.key] || serverField === f.key ? 'true' : undefined}
                  value={shownValue(f.key)}
                  onInput={(e) => {
                    const value = (e.target as HTMLInputElement).value;
                    setDraft((d) => ({ ...d, [f.key]: value }));
                    setInvalid((i) => ({ ...i, [f.key]: undefined }));
                    setSaved(null);
                  }}
                />
                {f.unit && <span class="affix">{f.unit}</span>}
              </div>
            )}
          </Field>
        ))}
      </div>
      {error !== null && <ErrorNotice error={error} title={t('queue.settings.refused')} testid="queue-settings-error" onClose={() => setError(null)} />}
      {saved && (
        <Notice tone="success" testid="queue-settings-saved" onClose={() => setSaved(null)}>
          {saved}
        </Notice>
      )}
      <div class="form-actions">
        {dirty && (
          <button
            type="button"
            class="btn btn-secondary"
            disabled={busy}
            onClick={() => {
              setDraft({});
              setEnabled(null);
              setInvalid({});
              setError(null);
            }}
          >
            {t('queue.settings.undo')}
          </button>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy || !dirty} data-testid="queue-settings-save">
          {busy ? t('queue.settings.saving') : t('queue.settings.save')}
        </button>
      </div>
    </form>
  );
}

/** The server's 400 on a bound ("body.graceSeconds must be >= 5") in words; one it words otherwise, as it came, the field named. */
function boundRefusal(error: unknown, key: BoundKey): string {
  const message = error instanceof Error ? error.message : String(error);
  const limit = /must be ([<>])=? ?(\d+)/.exec(message);
  if (limit) return t(limit[1] === '>' ? 'queue.settings.atLeast' : 'queue.settings.atMost', { n: formatInteger(Number(limit[2])) });
  return message.replace(`body.${key}`, label(key));
}
