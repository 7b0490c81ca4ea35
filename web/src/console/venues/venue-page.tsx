import { useState } from 'preact/hooks';
import { Flash } from '../flash';
import { formatCount, zoneName } from '../format';
import { useResource } from '../hooks';
import { t, tp } from '../i18n';
import { adminApi, can } from '../session';
import type { VenueDetail } from '../types';
import { RemoveActions } from '../catalog/remove-actions';
import { ErrorNotice, Loading, Notice, PageHeader, Section } from '../ui';
import { SeatMapSvg } from './seat-map-svg';
import { sectionsOf } from './sections';
import { TimeZoneForm } from './time-zone-field';

export function VenuePage(props: { id: string }) {
  const venue = useResource((signal) => adminApi<VenueDetail>(`/api/admin/venues/${props.id}`, { signal }), [props.id]);
  const [note, setNote] = useState<string | null>(null);
  const v = venue.data;
  const gaCapacity = v ? v.gaAreas.reduce((n, a) => n + a.capacity, 0) : 0;
  return (
    <>
      <PageHeader
        back={{ href: '/console/venues', label: t('venues.title') }}
        title={v ? <span data-user-content>{v.name}</span> : t('venues.venueFallback')}
        subtitle={
          v &&
          t('venues.summary', {
            seats: tp('venues.seats', v.seats.length),
            ga: tp('venues.gaPlaces', gaCapacity),
            capacity: formatCount(v.seats.length + gaCapacity),
          })
        }
        actions={
          v && (
            <RemoveActions
              kind="venue"
              id={v.id}
              archived={Boolean(v.archivedAt)}
              afterDelete="/console/venues"
              onChanged={(message) => {
                setNote(message);
                venue.reload();
              }}
            />
          )
        }
      />
      <Flash />
      {note && (
        <Notice tone="success" testid="venue-note" onClose={() => setNote(null)}>
          {note}
        </Notice>
      )}
      {v?.archivedAt && <Notice tone="info">{t('venues.archivedNotice')}</Notice>}
      <ErrorNotice error={venue.error} />
      {venue.loading && !v && <Loading />}
      {v && (
        <div class="grid-2-1">
          <Section title={t('venues.seatMap')}>
            <SeatMapSvg seats={v.seats} gaAreas={v.gaAreas} label={t('venues.seatMapOf', { name: v.name })} testid="venue-map" />
          </Section>
          <div class="stack">
            <Section title={t('venues.timeZone')} testid="venue-time-zone-section">
              {can('venues.write') ? (
                <TimeZoneForm venueId={v.id} timeZone={v.timeZone} onSaved={venue.reload} />
              ) : (
                <p data-testid="venue-time-zone-value">
                  {zoneName(v.timeZone)} ({v.timeZone})
                </p>
              )}
            </Section>
            <Section title={t('venues.sections')} class="card-flush-body">
              <table class="table">
                <thead>
                  <tr>
                    <th>{t('venues.colSection')}</th>
                    <th class="num">{t('venues.colRows')}</th>
                    <th class="num">{t('venues.colSeats')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sectionsOf(v.seats).map((s) => (
                    <tr key={s.name}>
                      <td data-user-content>{s.name}</td>
                      <td class="num">{s.rows}</td>
                      <td class="num">{formatCount(s.seats)}</td>
                    </tr>
                  ))}
                  {v.seats.length === 0 && (
                    <tr>
                      <td colSpan={3} class="muted">
                        {t('venues.noSeats')}
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </Section>
            <Section title={t('venues.gaAreas')} class="card-flush-body">
              <table class="table">
                <thead>
                  <tr>
                    <th>{t('venues.colArea')}</th>
                    <th class="num">{t('venues.colCapacity')}</th>
                  </tr>
                </thead>
                <tbody>
                  {v.gaAreas.map((a) => (
                    <tr key={a.id}>
                      <td data-user-content>{a.name}</td>
                      <td class="num">{formatCount(a.capacity)}</td>
                    </tr>
                  ))}
                  {v.gaAreas.length === 0 && (
                    <tr>
                      <td colSpan={2} class="muted">
                        {t('venues.noGaAreas')}
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </Section>
          </div>
        </div>
      )}
    </>
  );
}
