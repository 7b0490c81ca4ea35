import { useEffect, useState } from 'preact/hooks';
import { Flash } from '../flash';
import { formatDateTime, formatMoney } from '../format';
import { useResource, useSave } from '../hooks';
import { t } from '../i18n';
import { Icon } from '../icons';
import { adminApi, can } from '../session';
import type { AdminEventDetail } from '../types';
import { Badge, ErrorNotice, Field, Loading, Notice, PageHeader, Section } from '../ui';
import { RemoveActions } from '../catalog/remove-actions';
import { ServerError } from '../catalog/server-error';
import { CategoryEditor } from './category-editor';
import { cleanTranslations, DefaultLanguageField, type EventTexts, TranslationsFields, withDefault } from './event-texts-fields';
import { loadAdminEvent, loadEvent } from './events-api';

const textsOf = (event: AdminEventDetail): EventTexts => ({
  title: event.title,
  description: event.description,
  defaultLanguage: event.defaultLanguage,
  translations: event.translations,
});

function DetailsForm(props: { event: AdminEventDetail; onSaved: () => void }) {
  const [texts, setTexts] = useState(() => textsOf(props.event));
  const { title, description } = texts;
  const setTitle = (value: string) => setTexts((current) => ({ ...current, title: value }));
  const setDescription = (value: string) => setTexts((current) => ({ ...current, description: value }));
  const [maxTickets, setMaxTickets] = useState(String(props.event.maxTicketsPerOrder));
  const { busy, error, saved, setSaved, run } = useSave();
  useEffect(() => {
    setTexts(textsOf(props.event));
    setMaxTickets(String(props.event.maxTicketsPerOrder));
  }, [props.event]);
  const translations = cleanTranslations(texts);
  const translationsChanged =
    JSON.stringify(translations) !== JSON.stringify(cleanTranslations(textsOf(props.event))) || texts.defaultLanguage !== props.event.defaultLanguage;

  const max = Number(maxTickets);
  const maxProblem = !/^\d+$/.test(maxTickets.trim()) || max < 1 || max > 100 ? t('events.maxProblem') : null;
  const titleProblem = title.trim() ? null : t('events.titleEmpty');
  const changed = title !== props.event.title || description !== props.event.description || max !== props.event.maxTicketsPerOrder || translationsChanged;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (maxProblem || titleProblem || !changed) return;
    await run(async () => {
      const body: Record<string, unknown> = {};
      if (title !== props.event.title) body.title = title.trim();
      if (description !== props.event.description) body.description = description;
      if (max !== props.event.maxTicketsPerOrder) body.maxTicketsPerOrder = max;
      if (translationsChanged) {
        // Sent together: the server checks that no translation repeats the default language.
        body.defaultLanguage = texts.defaultLanguage;
        body.translations = translations;
      }
      await adminApi(`/api/admin/events/${props.event.id}`, { method: 'PATCH', body });
      props.onSaved();
    });
  };

  return (
    <form onSubmit={submit} noValidate data-testid="event-details-form">
      <DefaultLanguageField
        value={texts.defaultLanguage}
        onChange={(l) => {
          setTexts((current) => withDefault(current, l));
          setSaved(false);
        }}
      />
      <Field label={t('events.fieldTitle')} error={titleProblem}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            lang={texts.defaultLanguage}
            value={title}
            maxLength={200}
            data-testid="event-title"
            onInput={(e) => {
              setTitle(e.currentTarget.value);
              setSaved(false);
            }}
          />
        )}
      </Field>
      <Field label={t('events.fieldDescription')}>
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            lang={texts.defaultLanguage}
            rows={4}
            maxLength={5000}
            value={description}
            data-testid="event-description"
            onInput={(e) => {
              setDescription(e.currentTarget.value);
              setSaved(false);
            }}
          />
        )}
      </Field>
      <TranslationsFields
        texts={texts}
        onChange={(next) => {
          setTexts((current) => ({ ...current, translations: next }));
          setSaved(false);
        }}
      />
      <Field label={t('events.maxTickets')} error={maxProblem} class="field-short">
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            inputMode="numeric"
            value={maxTickets}
            data-testid="event-max-tickets"
            onInput={(e) => {
              setMaxTickets(e.currentTarget.value);
              setSaved(false);
            }}
          />
        )}
      </Field>
      <ServerError error={error} title={t('catalog.notSaved')} testid="event-save-error" />
      {saved && (
        <Notice tone="success" testid="event-saved">
          {t('catalog.saved')}
        </Notice>
      )}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy || !changed || !!maxProblem || !!titleProblem} data-testid="event-save">
          {busy ? t('catalog.saving') : t('events.saveChanges')}
        </button>
      </div>
    </form>
  );
}

export function EventPage(props: { id: string }) {
  const event = useResource((signal) => loadEvent(props.id, signal), [props.id]);
  const e = event.data;
  const write = can('events.write');
  // The texts in every language, for the form; the public detail gives one language.
  const admin = useResource((signal) => (write && e ? loadAdminEvent(e.id, signal) : Promise.resolve(null)), [e?.id, write]);
  const [note, setNote] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        back={{ href: '/console/events', label: t('events.title') }}
        title={e ? <span data-user-content>{e.title}</span> : t('events.eventFallback')}
        subtitle={
          e && (
            <>
              /{e.slug} ·{' '}
              <a href={`/events/${e.slug}`} target="_blank" rel="noopener">
                {t('events.viewBuyerPage')}
              </a>
            </>
          )
        }
        actions={
          e &&
          write && (
            <>
              <a class="btn btn-primary" href={`/console/events/${e.id}/performances/new`} data-testid="performance-new">
                <Icon name="plus" /> {t('events.addPerformance')}
              </a>
              <RemoveActions
                kind="event"
                id={e.id}
                archived={Boolean(e.archivedAt)}
                afterDelete="/console/events"
                onChanged={(message) => {
                  setNote(message);
                  event.reload();
                }}
              />
            </>
          )
        }
      />
      <Flash />
      {note && (
        <Notice tone="success" testid="event-note" onClose={() => setNote(null)}>
          {note}
        </Notice>
      )}
      {e?.archivedAt && <Notice tone="info">{t('events.archivedNotice')}</Notice>}
      <ErrorNotice error={event.error} />
      {event.loading && !e && <Loading />}
      {e && (
        <div class="grid-2">
          <div class="stack">
            <Section title={t('events.performancesTitle')} class="card-flush-body" testid="event-performances">
              {e.performances.length === 0 ? (
                <p class="card-note muted">
                  {t('events.noPerformances')}{' '}
                  {write && (
                    <>
                      {/* Underlined: a link inside a sentence must not be told apart by its colour alone. */}
                      <a class="link-button" href={`/console/events/${e.id}/performances/new`}>
                        {t('events.addFirst')}
                      </a>
                      .
                    </>
                  )}
                </p>
              ) : (
                <table class="table">
                  <thead>
                    <tr>
                      <th>{t('events.colStarts')}</th>
                      <th>{t('events.colVenue')}</th>
                      <th>{t('events.colStatus')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {e.performances.map((p) => (
                      <tr key={p.id} data-testid="performance-row">
                        <td>
                          <a href={`/console/events/${e.id}/performances/${p.id}`} class="strong-link">
                            {formatDateTime(p.startsAt, p.venue.timeZone)}
                          </a>
                        </td>
                        <td data-user-content>{p.venue.name}</td>
                        <td>
                          <Badge of="performance" status={p.status} />
                          {p.archivedAt && <Badge status="archived" label={t('catalog.archived')} />}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Section>
            <Section title={t('events.priceCategories')} class="card-flush-body" testid="event-categories">
              {write && <CategoryEditor categories={e.priceCategories} onSaved={event.reload} />}
              <p class="card-note muted small">
                {t('events.prices')}{' '}
                {e.priceCategories.map((c, i) => (
                  <span key={c.id}>
                    {i > 0 && ' · '}
                    <span data-user-content>{c.name}</span> {formatMoney(c.price, c.currency)}
                  </span>
                ))}
                . {t('events.newPriceApplies')}
              </p>
            </Section>
          </div>
          <Section title={t('events.details')}>
            {write && admin.data ? (
              <DetailsForm
                event={admin.data}
                onSaved={() => {
                  event.reload();
                  admin.reload();
                }}
              />
            ) : write ? (
              <>
                <ErrorNotice error={admin.error} />
                {admin.loading && <Loading />}
              </>
            ) : (
              <dl class="facts" data-testid="event-details">
                <dt>{t('events.fieldTitle')}</dt>
                <dd data-user-content>{e.title}</dd>
                <dt>{t('events.fieldDescription')}</dt>
                <dd data-user-content>{e.description || '—'}</dd>
                <dt>{t('events.ticketsPerOrder')}</dt>
                <dd>{e.maxTicketsPerOrder}</dd>
              </dl>
            )}
          </Section>
        </div>
      )}
    </>
  );
}
