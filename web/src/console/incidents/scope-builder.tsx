import { useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { loadEvents } from '../events/events-api';
import { formatShortDateTime, fromLocalInput } from '../format';
import { useResource, useSave } from '../hooks';
import { t } from '../i18n';
import { pageClassLabel } from '../shield/incident-words';
import { can } from '../session';
import type { EventListItem } from '../types';
import { ErrorNotice, Field, Section } from '../ui';
import { countScope, type Scope, type ScopeCriteria, splitList } from './incidents-api';
import { ScopeNumbers } from './scopes';

/** Page classes a checkout attempt can come from (src/security/page-classes.ts). */
const PAGE_CLASSES = ['payment', 'account', 'buyer', 'queue', 'operator'] as const;

/** Every event and its performances: the admin list where the role may read it, else the public one. */
const loadChoices = (signal: AbortSignal) => (can('events.read') ? loadEvents(signal) : api<EventListItem[]>('/api/events', { signal }));

function Performances(props: { selected: Set<string>; onToggle: (id: string) => void }) {
  const events = useResource(loadChoices, []);
  if (events.error) return <ErrorNotice error={events.error} title={t('incidents.performancesFailed')} />;
  const list = (events.data ?? []).filter((e) => e.performances.length > 0);
  return (
    <fieldset class="incident-checks incident-performances" data-testid="scope-performances">
      <legend>{t('incidents.performances')}</legend>
      {!events.data && <p class="small muted">{t('ui.loading')}</p>}
      {events.data && list.length === 0 && <p class="small muted">{t('incidents.noPerformances')}</p>}
      {list.map((e) => (
        <div key={e.id} class="incident-event-group">
          <p class="small incident-event-title" data-user-content>
            {e.title}
          </p>
          {e.performances.map((p) => (
            <label key={p.id} class="toggle">
              <input type="checkbox" checked={props.selected.has(p.id)} data-testid="scope-performance" value={p.id} onChange={() => props.onToggle(p.id)} />
              {formatShortDateTime(p.startsAt, p.timeZone)}
              {p.venueName && (
                <span class="muted small" data-user-content>
                  {p.venueName}
                </span>
              )}
            </label>
          ))}
        </div>
      ))}
    </fieldset>
  );
}

const toggled = (set: Set<string>, value: string) => {
  const next = new Set(set);
  if (!next.delete(value)) next.add(value);
  return next;
};

/**
 * Who a breach touched: every checkout attempt matching all the criteria given (AND), grouped by
 * buyer email. "Count" keeps the scope on the incident, for its CSV and the response steps.
 */
export function ScopeBuilder(props: { incidentId: string; onCounted: (scope: Scope) => void }) {
  const [text, setText] = useState({ from: '', to: '', buildIds: '', scriptHashes: '', storefronts: '' });
  const [performances, setPerformances] = useState<Set<string>>(() => new Set());
  const [classes, setClasses] = useState<Set<string>>(() => new Set());
  const [result, setResult] = useState<Scope | null>(null);
  const save = useSave();
  const set = (key: keyof typeof text) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => setText({ ...text, [key]: e.currentTarget.value });

  const submit = (event: Event) => {
    event.preventDefault();
    const criteria: ScopeCriteria = {};
    const from = fromLocalInput(text.from);
    const to = fromLocalInput(text.to);
    if (from) criteria.from = from;
    if (to) criteria.to = to;
    for (const key of ['buildIds', 'scriptHashes', 'storefronts'] as const) {
      const values = splitList(text[key]);
      if (values.length) criteria[key] = values;
    }
    if (performances.size) criteria.performanceIds = [...performances];
    if (classes.size) criteria.pageClasses = [...classes];
    setResult(null);
    void save.run(async () => {
      const scope = await countScope(props.incidentId, criteria);
      setResult(scope);
      props.onCounted(scope);
    });
  };

  const area = (key: 'buildIds' | 'scriptHashes' | 'storefronts', label: string, placeholder: string) => (
    <Field label={label} hint={t('incidents.listHint')}>
      {(id, describedBy) => (
        <textarea
          id={id}
          rows={2}
          class="mono incident-list-input"
          spellcheck={false}
          aria-describedby={describedBy}
          placeholder={placeholder}
          data-testid={`scope-${key}`}
          value={text[key]}
          onInput={set(key)}
        />
      )}
    </Field>
  );

  return (
    <Section title={t('incidents.newScope')} testid="scope-builder">
      <p class="muted small incident-intro">{t('incidents.newScopeIntro')}</p>
      <form onSubmit={submit} data-testid="scope-form">
        <div class="incident-form-row">
          <Field label={t('incidents.from')}>
            {(id) => <input id={id} type="datetime-local" data-testid="scope-from" value={text.from} onInput={set('from')} />}
          </Field>
          <Field label={t('incidents.to')}>{(id) => <input id={id} type="datetime-local" data-testid="scope-to" value={text.to} onInput={set('to')} />}</Field>
        </div>
        <div class="incident-form-row">
          {area('buildIds', t('incidents.buildIds'), 'b20241121-abc123')}
          {area('scriptHashes', t('incidents.scriptHashes'), 'sha384-…')}
        </div>
        {area('storefronts', t('incidents.storefronts'), 'web, partner-x')}
        <div class="incident-form-row">
          <Performances selected={performances} onToggle={(id) => setPerformances(toggled(performances, id))} />
          <fieldset class="incident-checks" data-testid="scope-page-classes">
            <legend>{t('incidents.pageClasses')}</legend>
            {PAGE_CLASSES.map((c) => (
              <label key={c} class="toggle">
                <input type="checkbox" checked={classes.has(c)} value={c} onChange={() => setClasses(toggled(classes, c))} />
                {pageClassLabel(c)}
              </label>
            ))}
          </fieldset>
        </div>
        <ErrorNotice error={save.error} title={t('incidents.notCounted')} testid="scope-error" />
        <div class="form-actions incident-count-row">
          {result && (
            <p class="incident-count-result" role="status" data-testid="scope-result">
              <ScopeNumbers scope={result} />
            </p>
          )}
          <button type="submit" class="btn btn-primary" disabled={save.busy} data-testid="scope-count">
            {save.busy ? t('incidents.counting') : t('incidents.count')}
          </button>
        </div>
      </form>
    </Section>
  );
}
