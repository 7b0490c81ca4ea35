import { useState } from 'preact/hooks';
import { navigate } from '../../shared/router';
import { flash } from '../flash';
import { parseMajor } from '../format';
import { t } from '../i18n';
import { withParts } from '../ui';
import { ServerError } from '../catalog/server-error';
import { adminApi } from '../session';
import { Field, PageHeader, Section } from '../ui';
import { CategoryRows, categoryProblem, type CategoryRow } from './category-rows';
import { cleanTranslations, DefaultLanguageField, type EventTexts, TranslationsFields, withDefault } from './event-texts-fields';
import { SLUG_PATTERN, slugify } from './events-api';

export function NewEventPage() {
  const [texts, setTexts] = useState<EventTexts>({ title: '', description: '', defaultLanguage: 'en', translations: {} });
  const { title, description } = texts;
  const setTitle = (value: string) => setTexts((current) => ({ ...current, title: value }));
  const setDescription = (value: string) => setTexts((current) => ({ ...current, description: value }));
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [maxTickets, setMaxTickets] = useState('10');
  const [rows, setRows] = useState<CategoryRow[]>([{ name: '', price: '', currency: 'EUR' }]);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const titleProblem = !title.trim() ? t('events.titleMissing') : null;
  const slugProblem = !SLUG_PATTERN.test(slug) ? t('events.slugProblem') : null;
  const max = Number(maxTickets);
  const maxProblem = !/^\d+$/.test(maxTickets.trim()) || max < 1 || max > 100 ? t('events.maxProblem') : null;
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
      flash(t('events.created', { title: body.title }));
      navigate(`/console/events/${created.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <PageHeader back={{ href: '/console/events', label: t('events.title') }} title={t('events.newTitle')} subtitle={t('events.newSubtitle')} />
      <div class="form-narrow stack">
        <Section title={t('events.section')}>
          <DefaultLanguageField value={texts.defaultLanguage} onChange={(l) => setTexts((current) => withDefault(current, l))} />
          <Field label={t('events.fieldTitle')} error={tried ? titleProblem : null}>
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
                  if (!slugTouched) setSlug(slugify(e.currentTarget.value));
                }}
              />
            )}
          </Field>
          <Field
            label={t('events.slug')}
            hint={withParts(t('events.slugHint'), { path: <code data-user-content>/events/{slug || t('events.slugPlaceholder')}</code> })}
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
          <Field label={t('events.fieldDescription')} hint={t('events.descriptionHint')}>
            {(id, d) => (
              <textarea
                id={id}
                aria-describedby={d}
                lang={texts.defaultLanguage}
                rows={4}
                maxLength={5000}
                value={description}
                data-testid="event-description"
                onInput={(e) => setDescription(e.currentTarget.value)}
              />
            )}
          </Field>
          <TranslationsFields texts={texts} onChange={(translations) => setTexts((current) => ({ ...current, translations }))} />
          <Field label={t('events.maxTickets')} error={tried ? maxProblem : null} class="field-short">
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
        <Section title={t('events.priceCategories')}>
          <p class="muted small section-intro">{t('events.categoriesIntro')}</p>
          <CategoryRows rows={rows} onChange={setRows} showProblems={tried} />
        </Section>
        <ServerError error={error} title={t('events.createRefused')} testid="event-create-error" />
        <div class="form-actions">
          <a class="btn btn-secondary" href="/console/events">
            {t('ui.cancel')}
          </a>
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="event-create">
            {busy ? t('catalog.creating') : t('events.create')}
          </button>
        </div>
      </div>
    </form>
  );
}
