import { useState } from 'preact/hooks';
import { formatAgo, formatShortDateTime, plural } from '../format';
import { useResource, useSave } from '../hooks';
import { can } from '../session';
import { Empty, ErrorNotice, Loading, Section } from '../ui';
import { loadTamperChecks, runTamperCheck, shortHash, type TamperCheck, type TamperChecked } from './integrity-api';
import { PageClasses, Shown } from './page-classes';

/** Runs listed before "Show all": enough to see a pattern without a long page on a phone. */
const FIRST = 5;

const seconds = (from: string, to: string) => Math.max(0, Math.round((new Date(to).getTime() - new Date(from).getTime()) / 100) / 10);

/** A page or file fetched: its address, status (null: no answer) and hash. */
function Fetched(props: { item: TamperChecked }) {
  const { url, pageClass, status, sha384 } = props.item;
  return (
    <li>
      <span class="mono small break">{url}</span> {pageClass && <PageClasses classes={[pageClass]} />}{' '}
      <span class={`badge badge-${status === 200 ? 'good' : status === null ? 'bad' : 'warn'}`}>{status ?? 'no answer'}</span>
      {sha384 && (
        <span class="mono small muted integrity-hash" title={sha384}>
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
              <strong>{f.kind.replace(/_/g, ' ')}</strong> <span class="mono small break">{f.page}</span>
              <dl class="facts integrity-facts">
                <dt>Expected</dt>
                <dd>
                  <Shown value={f.expected} />
                </dd>
                <dt>Received</dt>
                <dd>
                  <Shown value={f.actual} />
                </dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
      {documents.length > 0 && (
        <ul class="integrity-pages" aria-label="Pages fetched">
          {documents.map((p) => (
            <Fetched key={p.url} item={p} />
          ))}
        </ul>
      )}
      {files.length > 0 && (
        <details class="integrity-manifest-page">
          <summary class="small">{plural(files.length, 'script and stylesheet', 'scripts and stylesheets')} fetched and hashed</summary>
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
  if (ok) return <span class="badge badge-good">Matches</span>;
  const differences = findings.filter((f) => f.kind !== 'unreachable').length;
  if (differences > 0) return <span class="badge badge-bad">{plural(differences, 'difference')}</span>;
  return <span class="badge badge-warn">Could not check</span>;
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
            ({formatAgo(c.finishedAt)}) · {plural(documents, 'page')} and {plural(c.pages.length - documents, 'file')} in {seconds(c.startedAt, c.finishedAt)} s
            · build <span class="mono">{c.buildId}</span>
            {c.incidentId && ' · joined the incident'}
          </span>
        </div>
        <button type="button" class="btn btn-secondary btn-sm" aria-expanded={props.open} aria-controls={id} onClick={props.onToggle}>
          {props.open ? 'Hide' : 'Details'}
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
      title="Tamper checks"
      testid="integrity-tamper"
      actions={
        can('shield.manage') && (
          <button type="button" class="btn btn-secondary btn-sm" disabled={run.busy} data-testid="tamper-run" onClick={runNow}>
            {run.busy ? 'Checking…' : 'Run check now'}
          </button>
        )
      }
    >
      <p class="muted small section-intro">What browsers receive on payment and account pages, compared with the build's scripts, hashes and headers.</p>
      <ErrorNotice error={run.error} title="The check did not run" testid="tamper-run-error" />
      <ErrorNotice error={checks.error} />
      {!checks.data && checks.loading && <Loading />}
      {checks.data?.length === 0 && <Empty title="No tamper check has run yet." />}
      {list.length > 0 && (
        <ul class="integrity-list" data-testid="tamper-checks">
          {(all ? list : list.slice(0, FIRST)).map((c) => (
            <Run key={c.id} check={c} open={shown === c.id} onToggle={() => setOpen(shown === c.id ? '' : c.id)} />
          ))}
        </ul>
      )}
      {list.length > FIRST && (
        <button type="button" class="link-button small integrity-more" onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${list.length}`}
        </button>
      )}
    </Section>
  );
}
