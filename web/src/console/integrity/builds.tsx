import { useState } from 'preact/hooks';
import { formatCount, formatShortDateTime, plural } from '../format';
import { useResource } from '../hooks';
import { Empty, ErrorNotice, Loading, Section } from '../ui';
import { type BuildSummary, loadBuild, loadBuilds, sealed, shortHash } from './integrity-api';
import { PageClasses } from './page-classes';

/** One build's manifest: every script and stylesheet each page loads, with its sha384. */
function Manifest(props: { buildId: string }) {
  const build = useResource((signal) => loadBuild(props.buildId, signal), [props.buildId]);
  if (build.error) return <ErrorNotice error={build.error} title="The build's manifest could not be loaded" />;
  if (!build.data) return <Loading label="Loading the manifest…" />;
  const { builtAt, inventory, pages } = build.data;
  return (
    <div class="integrity-details" data-testid="build-manifest">
      <p class="small muted">
        Built {formatShortDateTime(builtAt)} · checked against inventory{' '}
        <span class="mono" title={inventory}>
          {shortHash(inventory)}
        </span>
      </p>
      {Object.entries(pages).map(([file, page]) => (
        <details key={file} class="integrity-manifest-page">
          <summary>
            <strong class="mono">{file}</strong> <PageClasses classes={page.classes} />{' '}
            <span class="small muted">
              {plural(page.scripts.length, 'script')}, {plural(page.styles.length, 'stylesheet')}
            </span>
          </summary>
          <ul class="integrity-files">
            {[...page.scripts.map((s) => ({ ...s, label: s.chunk, mono: true })), ...page.styles.map((s) => ({ ...s, label: 'stylesheet', mono: false }))].map(
              (f) => (
                <li key={f.path}>
                  <span class={f.mono ? 'mono small break' : 'small'}>{f.label}</span>
                  <span class="mono small muted break">
                    {f.path}{' '}
                    <span title={f.sha384} class="integrity-hash">
                      {shortHash(f.sha384)}
                    </span>
                  </span>
                </li>
              ),
            )}
          </ul>
        </details>
      ))}
    </div>
  );
}

function Build(props: { build: BuildSummary; current: boolean }) {
  const b = props.build;
  const [open, setOpen] = useState(false);
  const id = `build-${b.buildId}`;
  return (
    <li class="integrity-item" data-testid="build" data-current={String(props.current)}>
      <div class="integrity-item-head">
        {props.current ? <span class="badge badge-good">Serving</span> : <span class="badge badge-neutral">Earlier</span>}
        <div class="integrity-item-title">
          <strong class="mono">{b.buildId}</strong>
          <div class="small muted">
            {formatShortDateTime(b.firstServedAt)} to {formatShortDateTime(b.lastServedAt)} · {plural(b.processStarts, 'process start')} ·{' '}
            {formatCount(b.checkouts)} checkouts
          </div>
        </div>
        {sealed(b.buildId) && (
          <button type="button" class="btn btn-secondary btn-sm" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
            {open ? 'Hide' : 'Scripts'}
          </button>
        )}
      </div>
      <div id={id} hidden={!open}>
        {open && <Manifest buildId={b.buildId} />}
      </div>
    </li>
  );
}

/** The builds nodes have served: a checkout record's build id names the exact scripts its page ran. */
export function Builds() {
  const builds = useResource((signal) => loadBuilds(signal), []);
  const data = builds.data;
  return (
    <Section title="Builds served" testid="integrity-builds">
      <p class="muted small section-intro">
        Each node registers the build it serves when it starts. Checkouts name their build, so a tampered build tells whom to notify.
      </p>
      <ErrorNotice error={builds.error} />
      {!data && builds.loading && <Loading />}
      {data?.builds.length === 0 && (
        <Empty title="No build registered yet.">
          <p class="small muted">
            This node serves <span class="mono">{data.current}</span>.
          </p>
        </Empty>
      )}
      {data && data.builds.length > 0 && (
        <ul class="integrity-list">
          {data.builds.map((b) => (
            <Build key={b.buildId} build={b} current={b.buildId === data.current} />
          ))}
        </ul>
      )}
    </Section>
  );
}
