import { useId, useRef, useState } from 'preact/hooks';
import { formatCount } from '../format';
import { t, tp } from '../i18n';
import { ErrorNotice, Loading } from '../ui';
import { type DryRun, dryRunStep, type Step, type StepRun, startStep } from './incidents-api';

export interface StepInfo {
  step: Step;
  label: string;
  /** What it does, for the dialog. */
  explain: string;
  /** "12 people would be emailed." */
  reach: (dry: DryRun) => string;
  /** Whether it works on a scope's people (the staff revocation does not). */
  scoped: boolean;
}

/** A sampled person or account, in a line: its email (and language) when it has one. */
function sampleLine(item: unknown): string {
  if (typeof item !== 'object' || item === null) return String(item);
  const o = item as Record<string, unknown>;
  const main = o.email ?? o.name ?? o.id;
  if (typeof main !== 'string') return JSON.stringify(item);
  const language = o.locale ?? o.language;
  return typeof language === 'string' ? `${main} (${language})` : main;
}

/**
 * A response step's button. It first asks the server for a dry run (how many, and a sample), shows
 * it, and starts the step only once the operator confirms.
 */
export function StepButton(props: { incidentId: string; info: StepInfo; scopeId: string | undefined; disabled: boolean; onStarted: (run: StepRun) => void }) {
  const { info } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [dry, setDry] = useState<{ result?: DryRun; error?: unknown; loading: boolean }>({ loading: false });
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<unknown>(null);
  const scopeId = info.scoped ? props.scopeId : undefined;

  const open = async () => {
    setStartError(null);
    setDry({ loading: true });
    dialog.current?.showModal();
    try {
      setDry({ result: await dryRunStep(props.incidentId, info.step, scopeId), loading: false });
    } catch (error) {
      setDry({ error, loading: false });
    }
  };
  const confirm = async () => {
    setStarting(true);
    setStartError(null);
    try {
      props.onStarted(await startStep(props.incidentId, info.step, scopeId));
      dialog.current?.close();
    } catch (error) {
      setStartError(error);
    } finally {
      setStarting(false);
    }
  };
  const count = dry.result?.count ?? 0;
  const nothing = dry.result !== undefined && count === 0 && !dry.result.apiKeys;
  return (
    <>
      <button type="button" class="btn btn-secondary" disabled={props.disabled} data-testid={`step-${info.step}`} onClick={open}>
        {info.label}
      </button>
      <dialog ref={dialog} class="dialog incident-step-dialog" aria-labelledby={titleId} data-testid={`step-${info.step}-dialog`}>
        <h2 id={titleId}>{t('incidents.stepQuestion', { step: info.label })}</h2>
        <div class="dialog-body">
          <p>{info.explain}</p>
          {dry.loading && <Loading label={t('incidents.dryRunning')} />}
          <ErrorNotice error={dry.error} title={t('incidents.dryRunFailed')} />
          {dry.result && (
            <>
              <p data-testid="step-dry-count">
                <strong>{info.reach(dry.result)}</strong>
              </p>
              {(dry.result.alreadyDone ?? 0) > 0 && (
                <p class="small muted" data-testid="step-dry-done">
                  {tp('incidents.alreadyDone', dry.result.alreadyDone ?? 0)}
                </p>
              )}
              {dry.result.sample.length > 0 && (
                <>
                  <p class="small muted">{t('incidents.sample', { shown: formatCount(Math.min(dry.result.sample.length, 10)), count: formatCount(count) })}</p>
                  <ul class="incident-sample mono small" data-testid="step-dry-sample">
                    {dry.result.sample.slice(0, 10).map((item, n) => (
                      <li key={n} data-user-content>
                        {sampleLine(item)}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <p class="small muted">{t('incidents.runAgainSafe')}</p>
            </>
          )}
        </div>
        <ErrorNotice error={startError} title={t('incidents.stepNotStarted')} />
        <div class="dialog-actions">
          <button type="button" class="btn btn-secondary" autofocus onClick={() => dialog.current?.close()} disabled={starting}>
            {t('ui.cancel')}
          </button>
          <button
            type="button"
            class="btn btn-primary"
            data-testid={`step-${info.step}-confirm`}
            onClick={confirm}
            disabled={starting || !dry.result || nothing}
          >
            {starting ? t('incidents.starting') : nothing ? t('incidents.nobodyLeft') : info.label}
          </button>
        </div>
      </dialog>
    </>
  );
}
