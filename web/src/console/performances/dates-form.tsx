import { useEffect, useState } from 'preact/hooks';
import { fromLocalInput, toLocalInput, zoneName } from '../format';
import { useSave } from '../hooks';
import { t } from '../i18n';
import { adminApi } from '../session';
import type { PerformanceDetail } from '../types';
import { ErrorNotice, Field, Notice } from '../ui';
import { inWords } from './refusals';

export type DateField = 'startsAt' | 'doorsAt' | 'onSaleAt' | 'offSaleAt';
export type Dates = Record<DateField, string>;

/** The server's rules (400 `invalid_dates`), checked before sending; the first broken one, with its field. */
export function datesProblem(d: Dates): { field: DateField; message: string } | null {
  const at = (v: string) => fromLocalInput(v)!;
  if (!fromLocalInput(d.startsAt)) return { field: 'startsAt', message: t('perf.dates.startsMissing') };
  if (d.doorsAt && at(d.doorsAt) > at(d.startsAt)) return { field: 'doorsAt', message: t('perf.dates.doorsLate') };
  if (d.onSaleAt && at(d.onSaleAt) > at(d.startsAt)) return { field: 'onSaleAt', message: t('perf.dates.onSaleLate') };
  if (d.onSaleAt && d.offSaleAt && at(d.offSaleAt) <= at(d.onSaleAt)) return { field: 'offSaleAt', message: t('perf.dates.offSaleEarly') };
  return null;
}

export function DateInputs(props: Dates & { onChange: (patch: Partial<Dates>) => void; showProblems: boolean }) {
  const problem = props.showProblems ? datesProblem(props) : null;
  const input = (field: DateField, label: string, hint: string | undefined, testid: string) => (
    <Field label={label} hint={hint} error={problem?.field === field ? problem.message : null}>
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          type="datetime-local"
          value={props[field]}
          required={field === 'startsAt'}
          data-testid={testid}
          onInput={(e) => props.onChange({ [field]: e.currentTarget.value })}
        />
      )}
    </Field>
  );
  return (
    <div class="grid-dates">
      {input('startsAt', t('perf.dates.starts'), undefined, 'starts-at')}
      {input('doorsAt', t('perf.dates.doors'), t('perf.dates.optional'), 'doors-at')}
      {input('onSaleAt', t('perf.dates.onSale'), t('perf.dates.onSaleHint'), 'on-sale-at')}
      {input('offSaleAt', t('perf.dates.offSale'), t('perf.dates.offSaleHint'), 'off-sale-at')}
    </div>
  );
}

/** Moves a performance's dates (PATCH); a cleared optional date is sent as null. */
export function DatesForm(props: { performance: PerformanceDetail; onSaved: () => void }) {
  const p = props.performance;
  // Read and written in the venue's wall time, whatever this browser's zone.
  const zone = p.venue.timeZone;
  const initial: Dates = {
    startsAt: toLocalInput(p.startsAt, zone),
    doorsAt: toLocalInput(p.doorsAt, zone),
    onSaleAt: toLocalInput(p.onSaleAt, zone),
    offSaleAt: toLocalInput(p.offSaleAt, zone),
  };
  const [values, setValues] = useState(initial);
  const { busy, error, saved, setSaved, run } = useSave();
  useEffect(() => setValues(initial), [p.startsAt, p.doorsAt, p.onSaleAt, p.offSaleAt, zone]);

  const changed = (Object.keys(initial) as DateField[]).filter((k) => values[k] !== initial[k]);
  const problem = datesProblem(values);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (problem || changed.length === 0) return;
    await run(async () => {
      const body: Record<string, string | null> = {};
      for (const k of changed) body[k] = fromLocalInput(values[k], zone) ?? null;
      await adminApi(`/api/admin/performances/${p.id}`, { method: 'PATCH', body });
      props.onSaved();
    });
  };
  return (
    <form onSubmit={submit} noValidate data-testid="dates-form">
      <p class="muted small section-intro" data-testid="dates-zone">
        {t('perf.dates.zone', { zone: zoneName(zone), id: zone })}
      </p>
      <DateInputs
        {...values}
        showProblems={changed.length > 0}
        onChange={(patch) => {
          setValues({ ...values, ...patch });
          setSaved(false);
        }}
      />
      <ErrorNotice error={inWords(error)} title={t('perf.dates.notSaved')} />
      {saved && changed.length === 0 && <Notice tone="success">{t('perf.dates.saved')}</Notice>}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy || changed.length === 0 || !!problem} data-testid="dates-save">
          {busy ? t('perf.dates.saving') : t('perf.dates.save')}
        </button>
      </div>
    </form>
  );
}
