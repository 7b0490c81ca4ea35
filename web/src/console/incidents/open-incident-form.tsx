import { useState } from 'preact/hooks';
import { fromLocalInput, toLocalInput } from '../format';
import { useSave } from '../hooks';
import { t } from '../i18n';
import { ErrorNotice, Field, Section } from '../ui';
import { CATEGORIES, type Category, categoryLabel, type Incident, openIncident, SEVERITIES, type Severity, severityLabel } from './incidents-api';

/** Opens an incident by hand (an outside tip, a bank's fraud alert); the regulator's clock starts at "became aware". */
export function OpenIncidentForm(props: { onOpened: (incident: Incident) => void; onCancel: () => void }) {
  const [kind, setKind] = useState<Category>('data_exposure');
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<Severity>('high');
  const [awareAt, setAwareAt] = useState(() => toLocalInput(new Date().toISOString()));
  const save = useSave();
  const submit = (event: Event) => {
    event.preventDefault();
    void save.run(async () => {
      const aware = fromLocalInput(awareAt);
      // A minute in the future would be refused: "now" typed a moment ago is now.
      const at = aware && new Date(aware).getTime() > Date.now() ? new Date().toISOString() : aware;
      props.onOpened(await openIncident({ kind, title: title.trim(), severity, awareAt: at ?? new Date().toISOString() }));
    });
  };
  return (
    <Section title={t('incidents.openOne')} testid="incident-open">
      <form onSubmit={submit} class="form-narrow" data-testid="incident-open-form">
        <Field label={t('incidents.titleLabel')} hint={t('incidents.titleHint')}>
          {(id, describedBy) => (
            <input
              id={id}
              required
              maxLength={200}
              autocomplete="off"
              aria-describedby={describedBy}
              data-testid="incident-title-input"
              value={title}
              onInput={(e) => setTitle(e.currentTarget.value)}
            />
          )}
        </Field>
        <div class="incident-form-row">
          <Field label={t('incidents.kind')}>
            {(id) => (
              <select id={id} data-testid="incident-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as Category)}>
                {CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {categoryLabel(c)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('incidents.severity')}>
            {(id) => (
              <select id={id} data-testid="incident-severity-input" value={severity} onChange={(e) => setSeverity(e.currentTarget.value as Severity)}>
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {severityLabel(s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label={t('incidents.awareAt')} hint={t('incidents.awareAtHint')}>
          {(id, describedBy) => (
            <input
              id={id}
              type="datetime-local"
              required
              max={toLocalInput(new Date().toISOString())}
              aria-describedby={describedBy}
              data-testid="incident-aware-at"
              value={awareAt}
              onInput={(e) => setAwareAt(e.currentTarget.value)}
            />
          )}
        </Field>
        <ErrorNotice error={save.error} title={t('incidents.notOpened')} testid="incident-open-error" />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={save.busy || !title.trim() || !awareAt} data-testid="incident-open-submit">
            {save.busy ? t('incidents.opening') : t('incidents.openSubmit')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={props.onCancel}>
            {t('ui.cancel')}
          </button>
        </div>
      </form>
    </Section>
  );
}
