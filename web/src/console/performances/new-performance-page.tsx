import { useEffect, useMemo, useState } from 'preact/hooks';
import { navigate } from '../../shared/router';
import { loadEvent } from '../events/events-api';
import { flash } from '../flash';
import { formatCount, formatMoney, fromLocalInput, plural, zoneName } from '../format';
import { useResource } from '../hooks';
import { adminApi } from '../session';
import type { PriceCategory, VenueDetail, VenueSummary } from '../types';
import { ErrorNotice, Field, Loading, Notice, PageHeader, Section } from '../ui';
import { sectionsOf } from '../venues/sections';
import { DateInputs, type Dates, datesProblem } from './dates-form';

/** A category whose name matches the section's or area's, as a starting point for the operator. */
function guess(name: string, categories: PriceCategory[]): string {
  const n = name.toLowerCase();
  return (
    (categories.find((c) => c.name.toLowerCase() === n) ?? categories.find((c) => c.name.toLowerCase().includes(n) || n.includes(c.name.toLowerCase())))?.id ??
    ''
  );
}

export function NewPerformancePage(props: { eventId: string }) {
  const event = useResource((signal) => loadEvent(props.eventId, signal), [props.eventId]);
  const venues = useResource((signal) => adminApi<{ venues: VenueSummary[] }>('/api/admin/venues', { signal }), []);
  const [venueId, setVenueId] = useState('');
  const venue = useResource((signal) => (venueId ? adminApi<VenueDetail>(`/api/admin/venues/${venueId}`, { signal }) : Promise.resolve(null)), [venueId]);
  const [dates, setDates] = useState<Dates>({ startsAt: '', doorsAt: '', onSaleAt: '', offSaleAt: '' });
  const [sectionPrices, setSectionPrices] = useState<Record<string, string>>({});
  const [areaPrices, setAreaPrices] = useState<Record<string, string>>({});
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const categories = event.data?.priceCategories ?? [];
  const v = venue.data;
  const sections = useMemo(() => (v ? sectionsOf(v.seats) : []), [v]);

  useEffect(() => {
    if (!v || !categories.length) return;
    setSectionPrices(Object.fromEntries(sections.map((s) => [s.name, guess(s.name, categories)])));
    setAreaPrices(Object.fromEntries(v.gaAreas.map((a) => [a.id, guess(a.name, categories)])));
  }, [v, event.data]);
  useEffect(() => {
    if (!venueId && venues.data?.venues.length === 1) setVenueId(venues.data.venues[0]!.id);
  }, [venues.data]);

  const perCategory = new Map<string, { seats: number; ga: number; sections: string[]; gaAreaIds: string[] }>();
  for (const s of sections) {
    const c = sectionPrices[s.name];
    if (!c) continue;
    const entry = perCategory.get(c) ?? { seats: 0, ga: 0, sections: [], gaAreaIds: [] };
    entry.seats += s.seats;
    entry.sections.push(s.name);
    perCategory.set(c, entry);
  }
  for (const a of v?.gaAreas ?? []) {
    const c = areaPrices[a.id];
    if (!c) continue;
    const entry = perCategory.get(c) ?? { seats: 0, ga: 0, sections: [], gaAreaIds: [] };
    entry.ga += a.capacity;
    entry.gaAreaIds.push(a.id);
    perCategory.set(c, entry);
  }
  const onSale = [...perCategory.values()].reduce((n, e) => n + e.seats + e.ga, 0);
  const dateProblem = datesProblem(dates);
  const problems = [!venueId && 'Choose a venue.', dateProblem?.message, v && onSale === 0 && 'Put at least one section or GA area on sale.'].filter(
    Boolean,
  ) as string[];

  const submit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    if (problems.length) return;
    setBusy(true);
    setError(null);
    try {
      const pricing = [...perCategory].map(([categoryId, entry]) => ({
        categoryId,
        ...(entry.sections.length ? { sections: entry.sections } : {}),
        ...(entry.gaAreaIds.length ? { gaAreaIds: entry.gaAreaIds } : {}),
      }));
      // The inputs are the venue's wall time.
      const zone = v?.timeZone ?? 'UTC';
      const body = {
        venueId,
        startsAt: fromLocalInput(dates.startsAt, zone)!,
        pricing,
        ...(dates.doorsAt ? { doorsAt: fromLocalInput(dates.doorsAt, zone) } : {}),
        ...(dates.onSaleAt ? { onSaleAt: fromLocalInput(dates.onSaleAt, zone) } : {}),
        ...(dates.offSaleAt ? { offSaleAt: fromLocalInput(dates.offSaleAt, zone) } : {}),
      };
      const created = await adminApi<{ id: string }>(`/api/admin/events/${props.eventId}/performances`, { method: 'POST', body });
      flash(
        `Performance created with ${plural(onSale, 'place')} for sale. It is scheduled: ${
          dates.onSaleAt ? 'sales open by themselves at the on-sale time, or open them sooner.' : 'open sales when you are ready.'
        }`,
      );
      navigate(`/console/events/${props.eventId}/performances/${created.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const categorySelect = (label: string, value: string, onChange: (v: string) => void) => (
    <select aria-label={label} value={value} data-testid="pricing-select" onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">Not for sale</option>
      {categories.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name} · {formatMoney(c.price, c.currency)}
        </option>
      ))}
    </select>
  );

  return (
    <form onSubmit={submit} noValidate>
      <PageHeader
        back={{ href: `/console/events/${props.eventId}`, label: event.data?.title ?? 'Event' }}
        title="New performance"
        subtitle={event.data && `A show of ${event.data.title} at a venue, with a price category for each section and GA area.`}
      />
      <ErrorNotice error={event.error ?? venues.error} />
      {(event.loading || venues.loading) && !event.data && <Loading />}
      {event.data && venues.data && (
        <div class="form-wide stack">
          <Section title="When and where">
            <Field label="Venue" class="field-medium" error={tried && !venueId ? 'Choose a venue.' : null}>
              {(id, d) => (
                <select id={id} aria-describedby={d} value={venueId} data-testid="venue-select" onChange={(e) => setVenueId(e.currentTarget.value)}>
                  <option value="">Choose a venue…</option>
                  {venues.data!.venues.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name} ({formatCount(Number(x.seatCount) + Number(x.gaCapacity))} places)
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {venues.data.venues.length === 0 && (
              <Notice tone="info">
                There are no venues yet. <a href="/console/venues/new">Import one first</a>.
              </Notice>
            )}
            <p class="muted small section-intro" data-testid="dates-zone">
              {v ? (
                <>
                  Times are the venue’s: {zoneName(v.timeZone)} ({v.timeZone}).
                </>
              ) : (
                'Times are the venue’s: choose the venue first.'
              )}
            </p>
            <DateInputs {...dates} showProblems={tried} onChange={(patch) => setDates({ ...dates, ...patch })} />
          </Section>
          <Section title="Pricing" testid="pricing" class="card-flush-body">
            {!venueId && <p class="card-note muted">Choose a venue to price its sections and GA areas.</p>}
            {venueId && venue.loading && <Loading label="Loading the venue…" />}
            <ErrorNotice error={venue.error} />
            {v && (
              <table class="table">
                <thead>
                  <tr>
                    <th>Section or area</th>
                    <th class="num">Places</th>
                    <th>Price category</th>
                  </tr>
                </thead>
                <tbody>
                  {sections.map((s) => (
                    <tr key={`s-${s.name}`} data-testid="pricing-row">
                      <td>
                        <strong>{s.name}</strong> <span class="muted small">· {plural(s.rows, 'row')}</span>
                      </td>
                      <td class="num">{formatCount(s.seats)} seats</td>
                      <td>
                        {categorySelect(`Price category of section ${s.name}`, sectionPrices[s.name] ?? '', (c) =>
                          setSectionPrices({ ...sectionPrices, [s.name]: c }),
                        )}
                      </td>
                    </tr>
                  ))}
                  {v.gaAreas.map((a) => (
                    <tr key={`a-${a.id}`} data-testid="pricing-row">
                      <td>
                        <strong>{a.name}</strong> <span class="muted small">· GA, standing</span>
                      </td>
                      <td class="num">{formatCount(a.capacity)} places</td>
                      <td>
                        {categorySelect(`Price category of GA area ${a.name}`, areaPrices[a.id] ?? '', (c) => setAreaPrices({ ...areaPrices, [a.id]: c }))}
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <td>For sale</td>
                    <td class="num" data-testid="pricing-total">
                      {formatCount(onSale)}
                    </td>
                    <td class="muted small">
                      {categories
                        .map((c) => {
                          const x = perCategory.get(c.id);
                          return x ? `${c.name}: ${formatCount(x.seats + x.ga)}` : null;
                        })
                        .filter(Boolean)
                        .join(' · ') || 'Nothing priced yet'}
                    </td>
                  </tr>
                </tfoot>
              </table>
            )}
          </Section>
          {tried && problems.length > 0 && (
            <Notice tone="warning" testid="performance-blocked">
              <ul class="issues">
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </Notice>
          )}
          <ErrorNotice error={error} title="The server refused the performance" testid="performance-create-error" />
          <div class="form-actions">
            <a class="btn btn-secondary" href={`/console/events/${props.eventId}`}>
              Cancel
            </a>
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="performance-create">
              {busy ? 'Creating…' : 'Create performance'}
            </button>
          </div>
        </div>
      )}
    </form>
  );
}
