import { useState } from 'preact/hooks';
import { formatAgo, formatCount, formatShortDateTime } from '../format';
import { useResource, useSave } from '../hooks';
import { hasMessage, type MessageKey, t, tp } from '../i18n';
import { can } from '../session';
import { Empty, ErrorNotice, Loading, Section } from '../ui';
import { loadTamperChecks, runTamperCheck, shortHash, type TamperCheck, type TamperChecked } from './integrity-api';
import { PageClasses, Shown } from './page-classes';

/** Runs listed before "Show all": enough to see a pattern without a long page on a phone. */
const FIRST = 5;

const seconds = (from: string, to: string) => Math.max(0, Math.round((new Date(to).getTime() - new Date(from).getTime()) / 100) / 10);

/** A finding's kind (src/security/tamper-check.findings.ts) in words, its code in the tooltip; one the console does not know, as the server names it. */
function FindingKind(props: { kind: string }) {
  const key = `integrity.finding.${props.kind}`;
  if (hasMessage(key)) return <strong title={props.kind}>{t(key as MessageKey)}</strong>;
  return <strong data-user-content>{props.kind.replace(/_/g, ' ')}</strong>;
}

/** A page or file fetched: its address, status (null: no answer) and hash. */
function Fetched(props: { item: TamperChecked }) {
  const { url, pageClass, status, sha384 } = props.item;
  return (
    <li>
      <span class="mono small break" data-user-content>
        {url}
      </span>{' '}
      {pageClass && <PageClasses classes={[pageClass]} />}{' '}
      <span class={`badge badge-${status === 200 ? 'good' : status === null ? 'bad' : 'warn'}`}>{status ?? t('integrity.noAnswer')}</span>
      {sha384 && (
        <span class="mono small muted integrity-hash" title={sha384} data-user-content>
          {' '}
          {shortHash(sha384)}
        </span>
      )}
    </li>
  );
}

function Details(props: { check: TamperCheck }) {
  const { pages, findings } = props.check;
  const documents = pages.filter((p) => p.kind === 'page');
  const files = pages.filter((p) => p.kind !== 'page');
  return (
    <div class="integrity-details">
      {findings.length > 0 && (
        <ul class="integrity-findings" data-testid="tamper-findings">
          {findings.map((f, i) => (
            <li key={`${f.page}-${f.kind}-${i}`} data-kind={f.kind}>
              <FindingKind kind={f.kind} />{' '}
              <span class="mono small break" data-user-content>
                {f.page}
              </span>
              <dl class="facts integrity-facts">
                <dt>{t('integrity.expected')}</dt>
                <dd>
                  <Shown value={f.expected} />
                </dd>
                <dt>{t('integrity.received')}</dt>
                <dd>
                  <Shown value={f.actual} />
                </dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
      {documents.length > 0 && (
        <ul class="integrity-pages" aria-label={t('integrity.pagesFetched')}>
          {documents.map((p) => (
            <Fetched key={p.url} item={p} />
          ))}
        </ul>
      )}
      {files.length > 0 && (
        <details class="integrity-manifest-page">
          <summary class="small">{tp('integrity.filesFetched', files.length)}</summary>
          <ul class="integrity-files">
            {files.map((p) => (
              <Fetched key={p.url} item={p} />
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** Its verdict: all matched, something differed, or the check could not look (every finding "unreachable"). */
function Verdict(props: { check: TamperCheck }) {
  const { ok, findings } = props.check;
  if (ok) return <span class="badge badge-good">{t('integrity.matches')}</span>;
  const differences = findings.filter((f) => f.kind !== 'unreachable').length;
  if (differences > 0) return <span class="badge badge-bad">{tp('integrity.count.differences', differences)}</span>;
  return <span class="badge badge-warn">{t('integrity.couldNotCheck')}</span>;
}

function Run(props: { check: TamperCheck; open: boolean; onToggle: () => void }) {
  const c = props.check;
  const id = `tamper-${c.id}`;
  const documents = c.pages.filter((p) => p.kind === 'page').length;
  return (
    <li class="integrity-item" data-testid="tamper-check" data-ok={String(c.ok)}>
      <div class="integrity-item-head">
        <Verdict check={c} />
        <div class="integrity-item-title">
          <strong>{formatShortDateTime(c.finishedAt)}</strong>{' '}
          <span class="muted small">
            ({formatAgo(c.finishedAt)}) ·{' '}
            {t('integrity.fetchedIn', {
              pages: tp('integrity.count.pages', documents),
              files: tp('integrity.count.files', c.pages.length - documents),
              seconds: seconds(c.startedAt, c.finishedAt),
            })}{' '}
            · {t('integrity.build')}{' '}
            <span class="mono" data-user-content>
              {c.buildId}
            </span>
            {c.incidentId && ` · ${t('integrity.joinedIncident')}`}
          </span>
        </div>
        <button type="button" class="btn btn-secondary btn-sm" aria-expanded={props.open} aria-controls={id} onClick={props.onToggle}>
          {props.open ? t('integrity.hide') : t('integrity.details')}
        </button>
      </div>
      <div id={id} hidden={!props.open}>
        {props.open && <Details check={c} />}
      </div>
    </li>
  );
}

/**
 * The tamper check (PCI DSS 11.6.1): the payment and account pages fetched as a browser would, and
 * their scripts, hashes and security headers compared with the registered build. A difference
 * opens a script_compromise incident.
 */
export function TamperChecks(props: { onRan: () => void }) {
  const checks = useResource((signal) => loadTamperChecks(signal), []);
  const run = useSave();
  const [open, setOpen] = useState<string | null>(null);
  const [all, setAll] = useState(false);
  const list = checks.data ?? [];
  // A failing latest run opens by itself: its differences are what the operator came for.
  const shown = open ?? (list[0] && !list[0].ok ? list[0].id : null);
  const runNow = () =>
    run.run(async () => {
      await runTamperCheck();
      checks.reload();
      props.onRan();
    });
  return (
    <Section
      title={t('integrity.tamperTitle')}
      testid="integrity-tamper"
      actions={
        can('shield.manage') && (
          <button type="button" class="btn btn-secondary btn-sm" disabled={run.busy} data-testid="tamper-run" onClick={runNow}>
            {run.busy ? t('integrity.checking') : t('integrity.runNow')}
          </button>
        )
      }
    >
      <p class="muted small section-intro">{t('integrity.tamperIntro')}</p>
      <ErrorNotice error={run.error} title={t('integrity.runFailed')} testid="tamper-run-error" />
      <ErrorNotice error={checks.error} />
      {!checks.data && checks.loading && <Loading />}
      {checks.data?.length === 0 && <Empty title={t('integrity.noChecks')} />}
      {list.length > 0 && (
        <ul class="integrity-list" data-testid="tamper-checks">
          {(all ? list : list.slice(0, FIRST)).map((c) => (
            <Run key={c.id} check={c} open={shown === c.id} onToggle={() => setOpen(shown === c.id ? '' : c.id)} />
          ))}
        </ul>
      )}
      {list.length > FIRST && (
        <button type="button" class="link-button small integrity-more" onClick={() => setAll(!all)}>
          {all ? t('integrity.showFewer') : t('integrity.showAll', { count: formatCount(list.length) })}
        </button>
      )}
    </Section>
  );
}
