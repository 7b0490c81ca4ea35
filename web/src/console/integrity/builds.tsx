import { useState } from 'preact/hooks';
import { formatShortDateTime } from '../format';
import { useResource } from '../hooks';
import { t, tp } from '../i18n';
import { Empty, ErrorNotice, Loading, Section } from '../ui';
import { type BuildSummary, loadBuild, loadBuilds, sealed, shortHash } from './integrity-api';
import { PageClasses } from './page-classes';

/** One build's manifest: every script and stylesheet each page loads, with its sha384. */
function Manifest(props: { buildId: string }) {
  const build = useResource((signal) => loadBuild(props.buildId, signal), [props.buildId]);
  if (build.error) return <ErrorNotice error={build.error} title={t('integrity.manifestFailed')} />;
  if (!build.data) return <Loading label={t('integrity.loadingManifest')} />;
  const { builtAt, inventory, pages } = build.data;
  return (
    <div class="integrity-details" data-testid="build-manifest">
      <p class="small muted">
        {t('integrity.builtAt', { date: formatShortDateTime(builtAt) })} · {t('integrity.checkedAgainst')}{' '}
        <span class="mono" title={inventory} data-user-content>
          {shortHash(inventory)}
        </span>
      </p>
      {Object.entries(pages).map(([file, page]) => (
        <details key={file} class="integrity-manifest-page">
          <summary>
            <strong class="mono" data-user-content>
              {file}
            </strong>{' '}
            <PageClasses classes={page.classes} />{' '}
            <span class="small muted">
              {tp('integrity.count.scripts', page.scripts.length)}, {tp('integrity.count.stylesheets', page.styles.length)}
            </span>
          </summary>
          <ul class="integrity-files">
            {[
              ...page.scripts.map((s) => ({ ...s, label: s.chunk, mono: true })),
              ...page.styles.map((s) => ({ ...s, label: t('integrity.stylesheet'), mono: false })),
            ].map((f) => (
              <li key={f.path}>
                <span class={f.mono ? 'mono small break' : 'small'} data-user-content={f.mono ? true : undefined}>
                  {f.label}
                </span>
                <span class="mono small muted break">
                  <span data-user-content>{f.path}</span>{' '}
                  <span title={f.sha384} class="integrity-hash" data-user-content>
                    {shortHash(f.sha384)}
                  </span>
                </span>
              </li>
            ))}
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
        {props.current ? <span class="badge badge-good">{t('integrity.serving')}</span> : <span class="badge badge-neutral">{t('integrity.earlier')}</span>}
        <div class="integrity-item-title">
          <strong class="mono" data-user-content>
            {b.buildId}
          </strong>
          <div class="small muted">
            {t('integrity.servedFromTo', { from: formatShortDateTime(b.firstServedAt), to: formatShortDateTime(b.lastServedAt) })} ·{' '}
            {tp('integrity.count.processStarts', b.processStarts)} · {tp('integrity.count.checkouts', b.checkouts)}
          </div>
        </div>
        {sealed(b.buildId) && (
          <button type="button" class="btn btn-secondary btn-sm" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
            {open ? t('integrity.hide') : t('integrity.scripts')}
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
    <Section title={t('integrity.buildsTitle')} testid="integrity-builds">
      <p class="muted small section-intro">{t('integrity.buildsIntro')}</p>
      <ErrorNotice error={builds.error} />
      {!data && builds.loading && <Loading />}
      {data?.builds.length === 0 && (
        <Empty title={t('integrity.noBuilds')}>
          <p class="small muted">
            {t('integrity.thisNodeServes')}{' '}
            <span class="mono" data-user-content>
              {data.current}
            </span>
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
