import { useState } from 'preact/hooks';
import { navigate } from '../../shared/router';
import { flash } from '../flash';
import { parseMajor } from '../format';
import { adminApi } from '../session';
import { ErrorNotice, Field, PageHeader, Section } from '../ui';
import { CategoryRows, categoryProblem, type CategoryRow } from './category-rows';
import { cleanTranslations, DefaultLanguageField, type EventTexts, TranslationsFields, withDefault } from './event-texts-fields';
import { SLUG_PATTERN, slugify } from './events-api';

export function NewEventPage() {
  const [texts, setTexts] = useState<EventTexts>({ title: '', description: '', defaultLanguage: 'en', translations: {} });
  const { title, description } = texts;
  const setTitle = (value: string) => setTexts((t) => ({ ...t, title: value }));
  const setDescription = (value: string) => setTexts((t) => ({ ...t, description: value }));
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [maxTickets, setMaxTickets] = useState('10');
  const [rows, setRows] = useState<CategoryRow[]>([{ name: '', price: '', currency: 'EUR' }]);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const titleProblem = !title.trim() ? 'Give the event a title.' : null;
  const slugProblem = !SLUG_PATTERN.test(slug) ? 'Lowercase letters, digits and single hyphens, such as luna-brava-2026.' : null;
  const max = Number(maxTickets);
  const maxProblem = !/^\d+$/.test(maxTickets.trim()) || max < 1 || max > 100 ? 'A whole number from 1 to 100.' : null;
  const invalid = !!(titleProblem || slugProblem || maxProblem || rows.some(categoryProblem));

  const submit = async (event: Event) => {
    event.preventDefault();
    setTried(true);
    if (invalid) return;
    setBusy(true);
    setError(null);
    try {
      const body = {
        slug,
        title: title.trim(),
        description: description.trim(),
        defaultLanguage: texts.defaultLanguage,
        translations: cleanTranslations(texts),
        maxTicketsPerOrder: max,
        priceCategories: rows.map((r) => {
          const currency = r.currency.trim().toUpperCase();
          return { name: r.name.trim(), price: parseMajor(r.price, currency)!, currency };
        }),
      };
      const created = await adminApi<{ id: string }>('/api/admin/events', { method: 'POST', body });
      flash(`Event “${body.title}” created. Add its first performance below.`);
      navigate(`/console/events/${created.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <PageHeader
        back={{ href: '/console/events', label: 'Events' }}
        title="New event"
        subtitle="An event is what is sold; add its performances (dates at a venue) once it exists."
      />
      <div class="form-narrow stack">
        <Section title="Event">
          <DefaultLanguageField value={texts.defaultLanguage} onChange={(l) => setTexts((t) => withDefault(t, l))} />
          <Field label="Title" error={tried ? titleProblem : null}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                value={title}
                maxLength={200}
                data-testid="event-title"
                onInput={(e) => {
                  setTitle(e.currentTarget.value);
                  if (!slugTouched) setSlug(slugify(e.currentTarget.value));
                }}
              />
            )}
          </Field>
          <Field
            label="Slug"
            hint={
              <>
                The event's address: <code>/events/{slug || 'slug'}</code>. It can't be changed later.
              </>
            }
            error={tried ? slugProblem : null}
          >
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                value={slug}
                maxLength={80}
                spellcheck={false}
                data-testid="event-slug"
                onInput={(e) => {
                  setSlug(e.currentTarget.value);
                  setSlugTouched(true);
                }}
              />
            )}
          </Field>
          <Field label="Description" hint="Shown to buyers on the event page.">
            {(id, d) => (
              <textarea
                id={id}
                aria-describedby={d}
                rows={4}
                maxLength={5000}
                value={description}
                data-testid="event-description"
                onInput={(e) => setDescription(e.currentTarget.value)}
              />
            )}
          </Field>
          <TranslationsFields texts={texts} onChange={(translations) => setTexts((t) => ({ ...t, translations }))} />
          <Field label="Most tickets in one order" error={tried ? maxProblem : null} class="field-short">
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                inputMode="numeric"
                value={maxTickets}
                data-testid="event-max-tickets"
                onInput={(e) => setMaxTickets(e.currentTarget.value)}
              />
            )}
          </Field>
        </Section>
        <Section title="Price categories">
          <p class="muted small section-intro">Each seat and GA area of a performance belongs to one category. Prices in the currency's usual units (45.50).</p>
          <CategoryRows rows={rows} onChange={setRows} showProblems={tried} />
        </Section>
        <ErrorNotice error={error} title="The server refused the event" testid="event-create-error" />
        <div class="form-actions">
          <a class="btn btn-secondary" href="/console/events">
            Cancel
          </a>
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="event-create">
            {busy ? 'Creating…' : 'Create event'}
          </button>
        </div>
      </div>
    </form>
  );
}
