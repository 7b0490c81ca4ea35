import { useEffect, useMemo, useState } from 'preact/hooks';
import { navigate } from '../../shared/router';
import { loadEvent } from '../events/events-api';
import { flash } from '../flash';
import { formatCount, formatMoney, fromLocalInput, zoneName } from '../format';
import { useResource } from '../hooks';
import { t, tp } from '../i18n';
import { adminApi } from '../session';
import type { PriceCategory, VenueDetail, VenueSummary } from '../types';
import { ErrorNotice, Field, Loading, Notice, PageHeader, Section } from '../ui';
import { sectionsOf } from '../venues/sections';
import { DateInputs, type Dates, datesProblem } from './dates-form';
import { inWords } from './refusals';
import { tn, UserText } from '../ui';

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
  // Category names are data: "Front: 120 · Floor: 400".
  const pricedSummary = categories
    .map((c) => {
      const x = perCategory.get(c.id);
      return x ? `${c.name}: ${formatCount(x.seats + x.ga)}` : null;
    })
    .filter(Boolean)
    .join(' · ');
  const dateProblem = datesProblem(dates);
  const problems = [!venueId && t('perf.new.chooseVenue'), dateProblem?.message, v && onSale === 0 && t('perf.new.nothingOnSale')].filter(Boolean) as string[];

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
        `${t('perf.new.created', { places: tp('perf.places', onSale) })} ${t(dates.onSaleAt ? 'perf.new.createdOpensItself' : 'perf.new.createdOpenWhenReady')}`,
      );
      navigate(`/console/events/${props.eventId}/performances/${created.id}`);
    } catch (err) {
      setError(inWords(err));
    } finally {
      setBusy(false);
    }
  };

  const categorySelect = (label: string, value: string, onChange: (v: string) => void) => (
    <select aria-label={label} value={value} data-testid="pricing-select" onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">{t('perf.new.notForSale')}</option>
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
        back={{ href: `/console/events/${props.eventId}`, label: event.data?.title ?? t('perf.event') }}
        title={t('perf.new.title')}
        subtitle={event.data && tn('perf.new.subtitle', { title: <UserText>{event.data.title}</UserText> })}
      />
      <ErrorNotice error={event.error ?? venues.error} />
      {(event.loading || venues.loading) && !event.data && <Loading />}
      {event.data && venues.data && (
        <div class="form-wide stack">
          <Section title={t('perf.new.whenWhere')}>
            <Field label={t('perf.new.venue')} class="field-medium" error={tried && !venueId ? t('perf.new.chooseVenue') : null}>
              {(id, d) => (
                <select id={id} aria-describedby={d} value={venueId} data-testid="venue-select" onChange={(e) => setVenueId(e.currentTarget.value)}>
                  <option value="">{t('perf.new.venuePlaceholder')}</option>
                  {venues.data!.venues.map((x) => (
                    <option key={x.id} value={x.id}>
                      {t('perf.new.venueOption', { name: x.name, places: tp('perf.places', Number(x.seatCount) + Number(x.gaCapacity)) })}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {venues.data.venues.length === 0 && (
              <Notice tone="info">{tn('perf.new.noVenues', { link: <a href="/console/venues/new">{t('perf.new.importFirst')}</a> })}</Notice>
            )}
            <p class="muted small section-intro" data-testid="dates-zone">
              {v ? t('perf.new.zone', { zone: zoneName(v.timeZone), id: v.timeZone }) : t('perf.new.zoneFirst')}
            </p>
            <DateInputs {...dates} showProblems={tried} onChange={(patch) => setDates({ ...dates, ...patch })} />
          </Section>
          <Section title={t('perf.new.pricing')} testid="pricing" class="card-flush-body">
            {!venueId && <p class="card-note muted">{t('perf.new.pricingFirst')}</p>}
            {venueId && venue.loading && <Loading label={t('perf.new.loadingVenue')} />}
            <ErrorNotice error={venue.error} />
            {v && (
              <table class="table">
                <thead>
                  <tr>
                    <th>{t('perf.new.colPlace')}</th>
                    <th class="num">{t('perf.new.colPlaces')}</th>
                    <th>{t('perf.new.colCategory')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sections.map((s) => (
                    <tr key={`s-${s.name}`} data-testid="pricing-row">
                      <td>
                        <strong data-user-content="">{s.name}</strong> <span class="muted small">· {tp('perf.rows', s.rows)}</span>
                      </td>
                      <td class="num">{tp('perf.seats', s.seats)}</td>
                      <td>
                        {categorySelect(t('perf.new.sectionCategory', { name: s.name }), sectionPrices[s.name] ?? '', (c) =>
                          setSectionPrices({ ...sectionPrices, [s.name]: c }),
                        )}
                      </td>
                    </tr>
                  ))}
                  {v.gaAreas.map((a) => (
                    <tr key={`a-${a.id}`} data-testid="pricing-row">
                      <td>
                        <strong data-user-content="">{a.name}</strong> <span class="muted small">· {t('perf.new.standing')}</span>
                      </td>
                      <td class="num">{tp('perf.places', a.capacity)}</td>
                      <td>
                        {categorySelect(t('perf.new.areaCategory', { name: a.name }), areaPrices[a.id] ?? '', (c) =>
                          setAreaPrices({ ...areaPrices, [a.id]: c }),
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <td>{t('perf.new.forSale')}</td>
                    <td class="num" data-testid="pricing-total">
                      {formatCount(onSale)}
                    </td>
                    <td class="muted small">{pricedSummary ? <UserText>{pricedSummary}</UserText> : t('perf.new.nothingPriced')}</td>
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
          <ErrorNotice error={error} title={t('perf.new.refused')} testid="performance-create-error" />
          <div class="form-actions">
            <a class="btn btn-secondary" href={`/console/events/${props.eventId}`}>
              {t('ui.cancel')}
            </a>
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="performance-create">
              {busy ? t('perf.new.creating') : t('perf.new.create')}
            </button>
          </div>
        </div>
      )}
    </form>
  );
}
