import { useState } from 'preact/hooks';
import { formatAgo, formatCount, formatShortDateTime, plural } from '../format';
import { useResource } from '../hooks';
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
      title="CSP violation reports"
      class="card-flush-body"
      testid="integrity-csp"
      actions={
        <button type="button" class="btn btn-secondary btn-sm" disabled={reports.loading} onClick={reports.reload}>
          Refresh
        </button>
      }
    >
      <p class="muted small card-note integrity-note" data-testid="csp-summary">
        {reports.data && list.length === 0
          ? 'No violations reported: no page has refused to run any code.'
          : `${list.length ? `${plural(list.length, 'signature')}${guarded ? `, ${guarded} on payment or account pages` : ''}. ` : ''}Code the pages refused to run, grouped by page, directive and what was blocked; query strings are never kept.`}
      </p>
      <div class="integrity-pad">
        {reports.data && reports.data.dropped > 0 && (
          <Notice tone="warning" title={`${formatCount(reports.data.dropped)} reports were counted but not kept`}>
            More new signatures arrived in a second than this node keeps: a flood, or forged reports.
          </Notice>
        )}
        <ErrorNotice error={reports.error} />
        {!reports.data && reports.loading && <Loading />}
      </div>
      {list.length > 0 && (
        <table class="table table-compact integrity-table">
          <thead>
            <tr>
              <th scope="col">Violation</th>
              <th scope="col" class="num">
                Count
              </th>
              <th scope="col">Last seen</th>
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
                  <PageClasses classes={[r.pageClass]} /> <strong class="mono small">{r.directive}</strong> <span class="mono small">{r.blocked || '—'}</span>
                  {r.sample && (
                    <div class="small">
                      <code class="integrity-code">{r.sample}</code>
                    </div>
                  )}
                  <div class="mono small muted">{r.document}</div>
                  {r.source && r.source !== r.document && <div class="mono small muted">from {r.source}</div>}
                </td>
                <td class="num">{formatCount(r.count)}</td>
                <td class="small">
                  <span class="nowrap">{formatAgo(r.lastSeen)}</span>
                  <div class="muted">first {formatShortDateTime(r.firstSeen)}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.length > FIRST && (
        <div class="pager">
          <button type="button" class="link-button small" onClick={() => setAll(!all)}>
            {all ? 'Show fewer' : `Show all ${list.length}`}
          </button>
        </div>
      )}
    </Section>
  );
}
