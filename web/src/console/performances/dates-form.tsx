import { useEffect, useState } from 'preact/hooks';
import { useSave } from '../hooks';
import { fromLocalInput, timeZone, toLocalInput } from '../format';
import { adminApi } from '../session';
import type { PerformanceDetail } from '../types';
import { ErrorNotice, Field, Notice } from '../ui';

export function datesProblem(startsAt: string, doorsAt: string, onSaleAt: string): { field: 'startsAt' | 'doorsAt' | 'onSaleAt'; message: string } | null {
  if (!fromLocalInput(startsAt)) return { field: 'startsAt', message: 'Choose when the performance starts.' };
  if (doorsAt && fromLocalInput(doorsAt)! > fromLocalInput(startsAt)!) return { field: 'doorsAt', message: 'Doors must open before the start.' };
  if (onSaleAt && fromLocalInput(onSaleAt)! > fromLocalInput(startsAt)!) return { field: 'onSaleAt', message: 'Sales must start before the performance.' };
  return null;
}

export function DateInputs(props: {
  startsAt: string;
  doorsAt: string;
  onSaleAt: string;
  onChange: (patch: Partial<Record<'startsAt' | 'doorsAt' | 'onSaleAt', string>>) => void;
  showProblems: boolean;
}) {
  const problem = props.showProblems ? datesProblem(props.startsAt, props.doorsAt, props.onSaleAt) : null;
  const err = (f: string) => (problem?.field === f ? problem.message : null);
  return (
    <div class="grid-3">
      <Field label="Starts" error={err('startsAt')}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="datetime-local"
            value={props.startsAt}
            required
            data-testid="starts-at"
            onInput={(e) => props.onChange({ startsAt: e.currentTarget.value })}
          />
        )}
      </Field>
      <Field label="Doors open" hint="Optional" error={err('doorsAt')}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="datetime-local"
            value={props.doorsAt}
            data-testid="doors-at"
            onInput={(e) => props.onChange({ doorsAt: e.currentTarget.value })}
          />
        )}
      </Field>
      <Field label="On sale from" hint="Informative; open sales with the controls" error={err('onSaleAt')}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="datetime-local"
            value={props.onSaleAt}
            data-testid="on-sale-at"
            onInput={(e) => props.onChange({ onSaleAt: e.currentTarget.value })}
          />
        )}
      </Field>
    </div>
  );
}

/** Moves a performance's dates (PATCH); a cleared optional date is sent as null. */
export function DatesForm(props: { performance: PerformanceDetail; onSaved: () => void }) {
  const p = props.performance;
  const initial = { startsAt: toLocalInput(p.startsAt), doorsAt: toLocalInput(p.doorsAt), onSaleAt: toLocalInput(p.onSaleAt) };
  const [values, setValues] = useState(initial);
  const { busy, error, saved, setSaved, run } = useSave();
  useEffect(() => setValues(initial), [p.startsAt, p.doorsAt, p.onSaleAt]);

  const changed = (Object.keys(initial) as (keyof typeof initial)[]).filter((k) => values[k] !== initial[k]);
  const problem = datesProblem(values.startsAt, values.doorsAt, values.onSaleAt);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (problem || changed.length === 0) return;
    await run(async () => {
      const body: Record<string, string | null> = {};
      for (const k of changed) body[k] = fromLocalInput(values[k]) ?? null;
      await adminApi(`/api/admin/performances/${p.id}`, { method: 'PATCH', body });
      props.onSaved();
    });
  };
  return (
    <form onSubmit={submit} noValidate data-testid="dates-form">
      <p class="muted small section-intro">Times in your time zone ({timeZone}). Buyers are not notified of a change.</p>
      <DateInputs
        {...values}
        showProblems={changed.length > 0}
        onChange={(patch) => {
          setValues({ ...values, ...patch });
          setSaved(false);
        }}
      />
      <ErrorNotice error={error} title="Not saved" />
      {saved && changed.length === 0 && <Notice tone="success">Dates saved.</Notice>}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy || changed.length === 0 || !!problem} data-testid="dates-save">
          {busy ? 'Saving…' : 'Save dates'}
        </button>
      </div>
    </form>
  );
}
