import { useState } from 'preact/hooks';
import { formatDateTime } from '../format';
import { useNow, useResource } from '../hooks';
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
      <ErrorNotice error={draft.error} title="The draft could not be made" />
      {text === undefined && draft.loading && <Loading label="Drafting…" />}
      {text !== undefined && (
        <>
          <pre class="incident-draft-text" data-testid="regulator-draft-text">
            {text}
          </pre>
          <div class="incident-draft-actions">
            <button type="button" class="btn btn-secondary btn-sm" data-testid="regulator-draft-copy" onClick={copy}>
              {copied ? 'Copied' : 'Copy the text'}
            </button>
            <button type="button" class="btn btn-ghost btn-sm" onClick={props.onClose}>
              Hide
            </button>
          </div>
          <p class="small muted">A draft from what Taquilla recorded: a person reviews it and sends it to the supervisory authority.</p>
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
    <Section title="Regulator clock (72 hours)" testid="incident-clock" class={`incident-clock incident-clock-${tone}`}>
      <p class="incident-clock-value" data-testid="incident-clock-value" data-tone={tone} role="timer">
        {clock.overdue ? (
          <>
            Overdue <span class="incident-clock-by">by {formatLeft(clock.left)}</span>
          </>
        ) : (
          <>
            {formatLeft(clock.left)} <span class="incident-clock-by">left</span>
          </>
        )}
      </p>
      <dl class="facts incident-clock-facts">
        <dt>Became aware</dt>
        <dd>{formatDateTime(i.awareAt)}</dd>
        <dt>Notice due</dt>
        <dd data-testid="incident-deadline">{formatDateTime(i.regulatorDeadline)}</dd>
      </dl>
      {can('incidents.manage') && !draftOpen && (
        <button type="button" class="btn btn-secondary btn-sm" data-testid="regulator-draft-open" onClick={() => setDraftOpen(true)}>
          View the regulator draft
        </button>
      )}
      {draftOpen && <Draft key={i.timeline.length} incidentId={i.id} onClose={() => setDraftOpen(false)} />}
    </Section>
  );
}
