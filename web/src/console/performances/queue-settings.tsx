import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { adminApi } from '../session';
import { ErrorNotice, Field, Notice } from '../ui';
import type { QueueBounds, QueueView } from './queue-panel';

type BoundKey = keyof QueueBounds;

const fields: { key: BoundKey; label: string; hint: string; unit?: string }[] = [
  { key: 'maxInCheckout', label: 'Max in checkout', hint: 'Fans shopping at the same time' },
  { key: 'maxAdmissionsPerMinute', label: 'Max admissions per minute', hint: 'How fast the line moves', unit: '/min' },
  { key: 'graceSeconds', label: 'Grace seconds', hint: 'How long a fan may stop polling before losing the place', unit: 's' },
  { key: 'startLimitSeconds', label: 'Start limit seconds', hint: 'Time an admitted fan has to make a hold', unit: 's' },
];

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
      if (n === null) problems[key] = 'Enter a whole number of 1 or more.';
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
      setSaved(
        `Saved: ${Object.keys(patch)
          .map((k) => (k === 'enabled' ? (patch.enabled ? 'room switched on' : 'room switched off') : fields.find((f) => f.key === k)!.label.toLowerCase()))
          .join(', ')}.`,
      );
      props.onSaved(view);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="queue-settings" onSubmit={save} noValidate data-testid="queue-settings">
      <h3 class="queue-subtitle">Settings</h3>
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
        Waiting room switched on
      </label>
      <div class="queue-fields">
        {fields.map((f) => (
          <Field
            key={f.key}
            label={f.label}
            hint={f.hint}
            error={invalid[f.key] ?? (serverField === f.key ? describe(error).replace(`body.${f.key}`, f.label) : null)}
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
      {error !== null && <ErrorNotice error={error} title="The settings were refused" testid="queue-settings-error" onClose={() => setError(null)} />}
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
            Undo changes
          </button>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy || !dirty} data-testid="queue-settings-save">
          {busy ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
