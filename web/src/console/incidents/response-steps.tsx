import { useEffect, useRef, useState } from 'preact/hooks';
import { formatCount, formatShortDateTime } from '../format';
import { usePolling } from '../hooks';
import { hasMessage, type MessageKey, t, tp } from '../i18n';
import { can, isMissingRoute } from '../session';
import { ErrorNotice, Loading, Notice, Section } from '../ui';
import { type DryRun, type Incident, loadRuns, type Scope, type StepRun } from './incidents-api';
import { describeCriteria } from './scopes';
import { type StepInfo, StepButton } from './step-dialog';

/** "12 people in the scope, 3 with a customer account: those accounts would be reset." */
function accounts(d: DryRun, step: 'reset' | 'flag'): string {
  const people = tp('incidents.count.people', d.count);
  if (d.accounts === undefined) return t(`incidents.reach.${step}`, { people });
  if (d.accounts === 0) return t(`incidents.reach.${step}None`, { people });
  return tp(`incidents.reach.${step}Some`, d.accounts, { people });
}

/** The steps in the order of their buttons; their words come from the catalogue by code. */
const STEPS: Omit<StepInfo, 'label' | 'explain'>[] = [
  { step: 'notify', reach: (d) => tp('incidents.reach.notify', d.count), scoped: true },
  { step: 'reset', reach: (d) => accounts(d, 'reset'), scoped: true },
  { step: 'flag', reach: (d) => accounts(d, 'flag'), scoped: true },
  {
    step: 'revoke_staff',
    reach: (d) => `${tp('incidents.reach.revoke', d.count)}${d.apiKeys === undefined ? '' : tp('incidents.reach.revokeKeys', d.apiKeys)}.`,
    scoped: false,
  },
];
/** A step's code (notify, reset, flag, revoke_staff) as its button says it; one the console does not know, as the server names it. */
const stepLabel = (step: string) => (hasMessage(`incidents.step.${step}`) ? t(`incidents.step.${step}` as MessageKey) : step);
/** A run's status (running, done, failed) and `stalled`, in words. */
const runStatusLabel = (status: string) => (hasMessage(`incidents.run.${status}`) ? t(`incidents.run.${status}` as MessageKey) : status);

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
        <span class={`badge badge-${tone}`}>{runStatusLabel(r.stalled ? 'stalled' : r.status)}</span>
        <span class="small muted">
          {formatShortDateTime(r.startedAt)} · <span data-user-content>{props.who(r.startedBy)}</span>
        </span>
      </div>
      <div
        class="incident-progress"
        role="progressbar"
        aria-label={t('incidents.progressLabel', { step: stepLabel(r.step) })}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={r.done + r.failed}
      >
        <span class="incident-progress-done" style={{ width: pct(r.done) }} />
        <span class="incident-progress-failed" style={{ width: pct(r.failed) }} />
      </div>
      <p class="small incident-run-numbers" data-testid="step-run-numbers">
        {tp('incidents.runDone', r.done)} · <span class={r.failed ? 'incident-failed' : undefined}>{tp('incidents.runFailed', r.failed)}</span> ·{' '}
        {tp('incidents.runLeft', r.left)}
        {running && ` · ${r.rate < 10 ? r.rate.toFixed(1) : formatCount(Math.round(r.rate))}/s`}
      </p>
      {(r.stalled || (r.status === 'failed' && r.left + r.failed > 0)) && (
        <p class="small muted">
          {r.stalled ? t('incidents.runStalled') : t('incidents.runStopped')} {t('incidents.runResume')}
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
      <Section title={t('incidents.response')} testid="incident-response">
        <Notice tone="info" title={t('incidents.noSteps')}>
          {t('incidents.noStepsDetail')}
        </Notice>
      </Section>
    );
  return (
    <Section title={t('incidents.response')} testid="incident-response">
      {can('incidents.manage') && (
        <>
          <div class="field">
            <label for="response-scope">{t('incidents.onScope')}</label>
            <select
              id="response-scope"
              data-testid="response-scope"
              value={scope?.id ?? ''}
              disabled={!scope}
              onChange={(e) => setChosen(e.currentTarget.value)}
            >
              {!scope && <option value="">{t('incidents.countFirst')}</option>}
              {props.scopes.map((s) => (
                <option key={s.id} value={s.id}>
                  {tp('incidents.count.people', s.people)}: {describeCriteria(s.criteria)}
                </option>
              ))}
            </select>
          </div>
          <div class="incident-steps" role="group" aria-label={t('incidents.steps')}>
            {steps.map((info) => (
              <StepButton
                key={info.step}
                incidentId={i.id}
                info={{ ...info, label: stepLabel(info.step), explain: t(`incidents.explain.${info.step}`) }}
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
      <ErrorNotice error={runs.error} title={running ? t('incidents.progressFailed') : t('incidents.runsFailed')} />
      {!runs.runs && !runs.error && <Loading label={t('incidents.loadingRuns')} />}
      {runs.runs && runs.runs.length === 0 && <p class="small muted">{t('incidents.noRuns')}</p>}
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
