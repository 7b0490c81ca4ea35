import { useState } from 'preact/hooks';
import { formatDateTime } from '../format';
import { useNow, useResource } from '../hooks';
import { t } from '../i18n';
import { can } from '../session';
import { ErrorNotice, Loading, Section } from '../ui';
import { clockState, formatLeft } from './clock';
import { type Incident, loadRegulatorDraft } from './incidents-api';

/** The notice to the supervisory authority, filled from the incident and its newest scope, to review, copy and send. */
function Draft(props: { incidentId: string; onClose: () => void }) {
  const draft = useResource((signal) => loadRegulatorDraft(props.incidentId, signal), [props.incidentId]);
  const [copied, setCopied] = useState(false);
  const text = draft.data?.text;
  const copy = () =>
    navigator.clipboard?.writeText(text ?? '').then(
      () => setCopied(true),
      () => {},
    );
  return (
    <div class="incident-draft" data-testid="regulator-draft">
      <ErrorNotice error={draft.error} title={t('incidents.draftFailed')} />
      {text === undefined && draft.loading && <Loading label={t('incidents.drafting')} />}
      {text !== undefined && (
        <>
          <pre
            class="incident-draft-text"
            data-testid="regulator-draft-text"
            data-user-content
            // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls, so a keyboard must reach and scroll it (axe: scrollable-region-focusable); named as a region
            tabIndex={0}
            role="region"
            aria-label={t('incidents.draftText')}
          >
            {text}
          </pre>
          <div class="incident-draft-actions">
            <button type="button" class="btn btn-secondary btn-sm" data-testid="regulator-draft-copy" onClick={copy}>
              {copied ? t('incidents.copied') : t('incidents.copy')}
            </button>
            <button type="button" class="btn btn-ghost btn-sm" onClick={props.onClose}>
              {t('incidents.hide')}
            </button>
          </div>
          <p class="small muted">{t('incidents.draftNote')}</p>
        </>
      )}
    </div>
  );
}

/**
 * GDPR Art. 33: the regulator is told within 72 hours of becoming aware of a breach. Counts down
 * every second; red in its last 12 hours, "overdue" after.
 */
export function RegulatorClock(props: { incident: Incident }) {
  const i = props.incident;
  const now = useNow(1000);
  const [draftOpen, setDraftOpen] = useState(false);
  const clock = clockState(i.regulatorDeadline, now);
  const tone = clock.overdue ? 'overdue' : clock.urgent ? 'urgent' : 'ok';
  return (
    <Section title={t('incidents.clockTitle')} testid="incident-clock" class={`incident-clock incident-clock-${tone}`}>
      <p class="incident-clock-value" data-testid="incident-clock-value" data-tone={tone} role="timer">
        {clock.overdue ? (
          <>
            {t('incidents.overdue')} <span class="incident-clock-by">{t('incidents.overdueBy', { time: formatLeft(clock.left) })}</span>
          </>
        ) : (
          <>
            {formatLeft(clock.left)} <span class="incident-clock-by">{t('incidents.left')}</span>
          </>
        )}
      </p>
      <dl class="facts incident-clock-facts">
        <dt>{t('incidents.becameAware')}</dt>
        <dd>{formatDateTime(i.awareAt)}</dd>
        <dt>{t('incidents.noticeDue')}</dt>
        <dd data-testid="incident-deadline">{formatDateTime(i.regulatorDeadline)}</dd>
      </dl>
      {can('incidents.manage') && !draftOpen && (
        <button type="button" class="btn btn-secondary btn-sm" data-testid="regulator-draft-open" onClick={() => setDraftOpen(true)}>
          {t('incidents.viewDraft')}
        </button>
      )}
      {draftOpen && <Draft key={i.timeline.length} incidentId={i.id} onClose={() => setDraftOpen(false)} />}
    </Section>
  );
}
