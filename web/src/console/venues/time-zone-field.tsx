import { useState } from 'preact/hooks';
import { formatDateTime, timeZone as browserZone, zoneName } from '../format';
import { useSave } from '../hooks';
import { t } from '../i18n';
import { ServerError } from '../catalog/server-error';
import { adminApi } from '../session';
import { Field, Notice } from '../ui';

/** The zones this browser knows (as the server checks with its own runtime), for the list under the input. */
const ZONES: string[] = (() => {
  try {
    return ['UTC', ...Intl.supportedValuesOf('timeZone')];
  } catch {
    return ['UTC'];
  }
})();

/** Null when the browser can format in the zone and it has IANA's Area/Location shape (or is UTC). */
export function timeZoneProblem(zone: string): string | null {
  if (!zone.trim()) return t('venues.zone.choose');
  if (zone !== 'UTC' && !/^[A-Z][A-Za-z]+(?:\/[A-Za-z0-9_+-]+){1,2}$/.test(zone)) return t('venues.zone.iana');
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return null;
  } catch {
    return t('venues.zone.unknown', { zone });
  }
}

/** The operator's own zone: most venues are set up near them. */
export const defaultTimeZone = ZONES.includes(browserZone) ? browserZone : 'UTC';

export function TimeZoneInput(props: { value: string; onInput: (zone: string) => void; error?: string | null }) {
  const example = !timeZoneProblem(props.value) ? formatDateTime(new Date().toISOString(), props.value) : null;
  return (
    <Field
      label={t('venues.timeZone')}
      class="field-medium"
      error={props.error}
      hint={
        <>
          {t('venues.zone.hint')} {example && t('venues.zone.nowThere', { time: example })}
        </>
      }
    >
      {(id, d) => (
        <>
          <input
            id={id}
            aria-describedby={d}
            list={`${id}-zones`}
            value={props.value}
            maxLength={64}
            autocomplete="off"
            spellcheck={false}
            data-testid="venue-time-zone"
            onInput={(e) => props.onInput(e.currentTarget.value.trim())}
          />
          <datalist id={`${id}-zones`}>
            {ZONES.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}

/** Changes a venue's time zone (PATCH): its performances keep their instant and are shown in the new zone's time. */
export function TimeZoneForm(props: { venueId: string; timeZone: string; onSaved: () => void }) {
  const [zone, setZone] = useState(props.timeZone);
  const { busy, error, saved, setSaved, run } = useSave();
  const problem = timeZoneProblem(zone);
  const changed = zone !== props.timeZone;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (problem || !changed) return;
    await run(async () => {
      await adminApi(`/api/admin/venues/${props.venueId}`, { method: 'PATCH', body: { timeZone: zone } });
      props.onSaved();
    });
  };
  return (
    <form onSubmit={submit} noValidate data-testid="venue-time-zone-form">
      <p class="muted small section-intro">{t('venues.zone.current', { zone: `${zoneName(props.timeZone)} (${props.timeZone})` })}</p>
      <TimeZoneInput
        value={zone}
        error={changed ? problem : null}
        onInput={(z) => {
          setZone(z);
          setSaved(false);
        }}
      />
      <ServerError error={error} title={t('catalog.notSaved')} />
      {saved && !changed && <Notice tone="success">{t('venues.zone.saved')}</Notice>}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy || !changed || !!problem} data-testid="venue-time-zone-save">
          {busy ? t('catalog.saving') : t('venues.zone.save')}
        </button>
      </div>
    </form>
  );
}
