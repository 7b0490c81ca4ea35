import { useState } from 'preact/hooks';
import { formatAgo, formatCount, formatShortDateTime } from '../format';
import { useResource } from '../hooks';
import { t, tp } from '../i18n';
import { ErrorNotice, Loading, Notice, Section } from '../ui';
import { GUARDED, loadCspReports } from './integrity-api';
import { PageClasses } from './page-classes';

const FIRST = 20;

/**
 * Content-Security-Policy violations browsers reported, one row per signature (page, directive,
 * what was blocked). On a payment or account page a new one opens a script_compromise incident.
 */
export function CspReports() {
  const reports = useResource((signal) => loadCspReports(signal), []);
  const [all, setAll] = useState(false);
  const list = reports.data?.reports ?? [];
  const guarded = list.filter((r) => GUARDED.has(r.pageClass)).length;
  return (
    <Section
      title={t('integrity.cspTitle')}
      class="card-flush-body"
      testid="integrity-csp"
      actions={
        <button type="button" class="btn btn-secondary btn-sm" disabled={reports.loading} onClick={reports.reload}>
          {t('integrity.refresh')}
        </button>
      }
    >
      <p class="muted small card-note integrity-note" data-testid="csp-summary">
        {reports.data && list.length === 0
          ? t('integrity.cspNone')
          : `${list.length ? `${tp('integrity.count.signatures', list.length)}${guarded ? t('integrity.cspGuarded', { count: formatCount(guarded) }) : ''}. ` : ''}${t('integrity.cspExplain')}`}
      </p>
      <div class="integrity-pad">
        {reports.data && reports.data.dropped > 0 && (
          <Notice tone="warning" title={tp('integrity.cspDropped', reports.data.dropped)}>
            {t('integrity.cspDroppedWhy')}
          </Notice>
        )}
        <ErrorNotice error={reports.error} />
        {!reports.data && reports.loading && <Loading />}
      </div>
      {list.length > 0 && (
        <table class="table table-compact integrity-table">
          <thead>
            <tr>
              <th scope="col">{t('integrity.violation')}</th>
              <th scope="col" class="num">
                {t('integrity.count')}
              </th>
              <th scope="col">{t('integrity.lastSeen')}</th>
            </tr>
          </thead>
          <tbody>
            {(all ? list : list.slice(0, FIRST)).map((r) => (
              <tr
                key={r.signature}
                class={GUARDED.has(r.pageClass) ? 'integrity-row-guarded' : undefined}
                data-testid="csp-report"
                data-page-class={r.pageClass}
              >
                <td class="break">
                  <PageClasses classes={[r.pageClass]} />{' '}
                  <strong class="mono small" data-user-content>
                    {r.directive}
                  </strong>{' '}
                  <span class="mono small" data-user-content>
                    {r.blocked || '—'}
                  </span>
                  {r.sample && (
                    <div class="small">
                      <code class="integrity-code" data-user-content>
                        {r.sample}
                      </code>
                    </div>
                  )}
                  <div class="mono small muted" data-user-content>
                    {r.document}
                  </div>
                  {r.source && r.source !== r.document && (
                    <div class="mono small muted">
                      {t('integrity.from')} <span data-user-content>{r.source}</span>
                    </div>
                  )}
                </td>
                <td class="num">{formatCount(r.count)}</td>
                <td class="small">
                  <span class="nowrap">{formatAgo(r.lastSeen)}</span>
                  <div class="muted">{t('integrity.firstSeen', { date: formatShortDateTime(r.firstSeen) })}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.length > FIRST && (
        <div class="pager">
          <button type="button" class="link-button small" onClick={() => setAll(!all)}>
            {all ? t('integrity.showFewer') : t('integrity.showAll', { count: formatCount(list.length) })}
          </button>
        </div>
      )}
    </Section>
  );
}
