import { useState } from 'preact/hooks';
import { Flash } from '../flash';
import { formatCount, plural, zoneName } from '../format';
import { useResource } from '../hooks';
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
        back={{ href: '/console/venues', label: 'Venues' }}
        title={v?.name ?? 'Venue'}
        subtitle={v && `${plural(v.seats.length, 'seat')} · ${plural(gaCapacity, 'GA place')} · capacity ${formatCount(v.seats.length + gaCapacity)}`}
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
      {v?.archivedAt && <Notice tone="info">This venue is archived: the venues list hides it.</Notice>}
      <ErrorNotice error={venue.error} />
      {venue.loading && !v && <Loading />}
      {v && (
        <div class="grid-2-1">
          <Section title="Seat map">
            <SeatMapSvg seats={v.seats} gaAreas={v.gaAreas} label={`Seat map of ${v.name}`} testid="venue-map" />
          </Section>
          <div class="stack">
            <Section title="Time zone" testid="venue-time-zone-section">
              {can('venues.write') ? (
                <TimeZoneForm venueId={v.id} timeZone={v.timeZone} onSaved={venue.reload} />
              ) : (
                <p data-testid="venue-time-zone-value">
                  {zoneName(v.timeZone)} ({v.timeZone})
                </p>
              )}
            </Section>
            <Section title="Sections" class="card-flush-body">
              <table class="table">
                <thead>
                  <tr>
                    <th>Section</th>
                    <th class="num">Rows</th>
                    <th class="num">Seats</th>
                  </tr>
                </thead>
                <tbody>
                  {sectionsOf(v.seats).map((s) => (
                    <tr key={s.name}>
                      <td>{s.name}</td>
                      <td class="num">{s.rows}</td>
                      <td class="num">{formatCount(s.seats)}</td>
                    </tr>
                  ))}
                  {v.seats.length === 0 && (
                    <tr>
                      <td colSpan={3} class="muted">
                        No seats
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </Section>
            <Section title="GA areas" class="card-flush-body">
              <table class="table">
                <thead>
                  <tr>
                    <th>Area</th>
                    <th class="num">Capacity</th>
                  </tr>
                </thead>
                <tbody>
                  {v.gaAreas.map((a) => (
                    <tr key={a.id}>
                      <td>{a.name}</td>
                      <td class="num">{formatCount(a.capacity)}</td>
                    </tr>
                  ))}
                  {v.gaAreas.length === 0 && (
                    <tr>
                      <td colSpan={2} class="muted">
                        No GA areas
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
