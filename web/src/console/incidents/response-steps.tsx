import { useEffect, useRef, useState } from 'preact/hooks';
import { formatCount, formatShortDateTime, plural } from '../format';
import { usePolling } from '../hooks';
import { can, isMissingRoute } from '../session';
import { ErrorNotice, Loading, Notice, Section } from '../ui';
import { type DryRun, type Incident, loadRuns, type Scope, type StepRun } from './incidents-api';
import { describeCriteria } from './scopes';
import { type StepInfo, StepButton } from './step-dialog';

/** "12 people in the scope, 3 with a customer account: those accounts would be reset." */
function accounts(d: DryRun, done: string): string {
  const people = `${plural(d.count, 'person', 'people')} in the scope`;
  if (d.accounts === undefined) return `${people}: their accounts would be ${done}.`;
  if (d.accounts === 0) return `${people}, none with a customer account: no account would be ${done}.`;
  return `${people}, ${formatCount(d.accounts)} with a customer account: ${d.accounts === 1 ? 'that account' : 'those accounts'} would be ${done}.`;
}

const STEPS: StepInfo[] = [
  {
    step: 'notify',
    label: 'Notify',
    explain:
      'Emails each person in the scope in their language (es, en, fr, nl, nb): what happened, which of their data, what Taquilla did, what they should do and whom to contact.',
    reach: (d) => `${plural(d.count, 'person', 'people')} would be emailed.`,
    scoped: true,
  },
  {
    step: 'reset',
    label: 'Force password reset',
    explain: 'Customer accounts in the scope must set a new password before they sign in again; their sessions end now.',
    reach: (d) => accounts(d, 'reset and signed out'),
    scoped: true,
  },
  {
    step: 'flag',
    label: 'Flag for monitoring',
    explain: 'Marks the customers in the scope for monitoring; the flag shows on their orders.',
    reach: (d) => accounts(d, 'flagged'),
    scoped: true,
  },
  {
    step: 'revoke_staff',
    label: 'Revoke staff sessions and keys',
    explain:
      'Ends every staff session, yours included, and revokes the API keys: everyone signs in again with their second factor, and keys are issued again one by one.',
    reach: (d) =>
      `${plural(d.count, 'staff member')} would be signed out everywhere${d.apiKeys === undefined ? '' : `, and ${plural(d.apiKeys, 'API key')} revoked`}.`,
    scoped: false,
  },
];
const stepLabel = (step: string) => STEPS.find((s) => s.step === step)?.label ?? step;

/** Under a run in progress, two seconds; otherwise a run started elsewhere (the CLI) shows within half a minute. */
const RUNNING_MS = 2000;
const IDLE_MS = 30_000;

function Progress(props: { run: StepRun; who: (actor: string) => string }) {
  const r = props.run;
  const total = Math.max(1, r.total);
  const pct = (n: number) => `${(n / total) * 100}%`;
  const running = r.status === 'running' && !r.stalled;
  const tone = r.stalled ? 'warn' : running ? 'info' : r.status === 'done' ? 'good' : 'bad';
  return (
    <li class="incident-run" data-testid="step-run" data-step={r.step} data-status={r.status}>
      <div class="incident-run-head">
        <strong>{stepLabel(r.step)}</strong>
        <span class={`badge badge-${tone}`}>{r.stalled ? 'stalled' : r.status}</span>
        <span class="small muted">
          {formatShortDateTime(r.startedAt)} · {props.who(r.startedBy)}
        </span>
      </div>
      <div
        class="incident-progress"
        role="progressbar"
        aria-label={`${stepLabel(r.step)}: done`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={r.done + r.failed}
      >
        <span class="incident-progress-done" style={{ width: pct(r.done) }} />
        <span class="incident-progress-failed" style={{ width: pct(r.failed) }} />
      </div>
      <p class="small incident-run-numbers" data-testid="step-run-numbers">
        {formatCount(r.done)} done · <span class={r.failed ? 'incident-failed' : undefined}>{formatCount(r.failed)} failed</span> · {formatCount(r.left)} left
        {running && ` · ${r.rate < 10 ? r.rate.toFixed(1) : formatCount(Math.round(r.rate))}/s`}
      </p>
      {(r.stalled || (r.status === 'failed' && r.left + r.failed > 0)) && (
        <p class="small muted">
          {r.stalled ? 'No progress for a minute: its process probably stopped.' : 'It stopped before the end.'} Start the step again to finish: nobody is
          handled twice.
        </p>
      )}
    </li>
  );
}

/** The runs of the steps, polled every 2 s while one is running; `onSettled` when one finishes. */
function useRuns(incidentId: string, onSettled: () => void) {
  const [runs, setRuns] = useState<StepRun[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const running = runs?.some((r) => r.status === 'running' && !r.stalled) ?? false;
  const refresh = usePolling(
    async (signal) => {
      try {
        const next = await loadRuns(incidentId, signal);
        if (signal.aborted) return;
        setRuns(next);
        setError(null);
      } catch (e) {
        if (!signal.aborted) setError(e);
      }
    },
    running ? RUNNING_MS : IDLE_MS,
    [incidentId, running],
  );
  const was = useRef(running);
  useEffect(() => {
    if (was.current && !running) onSettled();
    was.current = running;
  }, [running]);
  return { runs, error, refresh, setRuns };
}

/** Notify, force a reset, flag, revoke staff access: each on a chosen scope, each dry-run first. */
export function ResponseSteps(props: { incident: Incident; scopes: Scope[]; who: (actor: string) => string; onSettled: () => void }) {
  const i = props.incident;
  const runs = useRuns(i.id, props.onSettled);
  const [chosen, setChosen] = useState<string>('');
  const scope = props.scopes.find((s) => s.id === chosen) ?? props.scopes[0];
  const running = runs.runs?.some((r) => r.status === 'running' && !r.stalled) ?? false;
  const steps = STEPS.filter((s) => s.step !== 'revoke_staff' || i.category === 'staff_access');
  if (isMissingRoute(runs.error))
    return (
      <Section title="Response" testid="incident-response">
        <Notice tone="info" title="This server does not run response steps yet">
          Notify, reset, flag and revoke need a newer Taquilla server.
        </Notice>
      </Section>
    );
  return (
    <Section title="Response" testid="incident-response">
      {can('incidents.manage') && (
        <>
          <div class="field">
            <label for="response-scope">On the scope</label>
            <select
              id="response-scope"
              data-testid="response-scope"
              value={scope?.id ?? ''}
              disabled={!scope}
              onChange={(e) => setChosen(e.currentTarget.value)}
            >
              {!scope && <option value="">Count a scope first</option>}
              {props.scopes.map((s) => (
                <option key={s.id} value={s.id}>
                  {plural(s.people, 'person', 'people')}: {describeCriteria(s.criteria)}
                </option>
              ))}
            </select>
          </div>
          <div class="incident-steps" role="group" aria-label="Response steps">
            {steps.map((info) => (
              <StepButton
                key={info.step}
                incidentId={i.id}
                info={info}
                scopeId={scope?.id}
                disabled={info.scoped && !scope}
                onStarted={(run) => {
                  runs.setRuns([run, ...(runs.runs ?? []).filter((r) => r.id !== run.id)]);
                  runs.refresh();
                }}
              />
            ))}
          </div>
        </>
      )}
      <ErrorNotice error={runs.error} title={running ? 'The progress could not refresh; retrying' : 'The runs could not be loaded'} />
      {!runs.runs && !runs.error && <Loading label="Loading the runs…" />}
      {runs.runs && runs.runs.length === 0 && <p class="small muted">No step has run on this incident yet.</p>}
      {runs.runs && runs.runs.length > 0 && (
        <ul class="incident-runs" aria-live="polite" data-testid="step-runs">
          {runs.runs.map((r) => (
            <Progress key={r.id} run={r} who={props.who} />
          ))}
        </ul>
      )}
    </Section>
  );
}
