import { formatAgo, formatDate, formatShortDateTime } from '../format';
import { useResource } from '../hooks';
import { roleLabel } from '../permissions';
import { adminApi } from '../session';
import { Badge, ErrorNotice, Loading, Notice, PageHeader, Section, Stat } from '../ui';

interface Reviewed {
  id: string;
  name: string;
  status: string;
  lastUsedAt: string | null;
  dormantAt: string | null;
  flags: string[];
}
interface StaffReview extends Reviewed {
  email: string;
  role: string;
  factors: { totp: boolean; passkeys: number; recoveryCodesLeft: number };
}
interface KeyReview extends Reviewed {
  prefix: string;
  permissions: string[];
  expiresAt: string;
}
interface AccessReport {
  generatedAt: string;
  dormantDays: number;
  summary: { staff: number; active: number; invited: number; disabled: number; owners: number; apiKeys: number; flagged: number };
  warnings: string[];
  staff: StaffReview[];
  apiKeys: KeyReview[];
  breakGlass: { enabled: boolean; usesLast30Days: number; lastUsedAt: string | null };
  dormantRuns: {
    day: string;
    ranAt: string;
    dormantDays: number;
    disabled: { type: string; id: string; name: string; role: string | null; lastUsedAt: string | null }[];
  }[];
}

const FLAGS: Record<string, string> = {
  invited_not_enrolled: 'invited, not enrolled',
  no_passkey: 'no passkey',
  no_second_factor: 'no second factor',
  few_recovery_codes: 'few recovery codes',
  dormant_soon: 'dormant soon',
  dormant: 'dormant',
  never_used: 'never used',
  expires_soon: 'expires soon',
};
const WARNINGS: Record<string, string> = {
  no_active_owner: 'There is no active owner: nobody can grant the owner role or run the purge from the console.',
  single_owner: 'Only one active owner: if they lose their factors, nobody can restore owner access. Consider a second owner.',
  break_glass_on: 'The break-glass admin token still works (TAQUILLA_BREAK_GLASS). Turn it off in production.',
  break_glass_used: 'The break-glass admin token was used in the last 30 days.',
};

function Flags({ flags }: { flags: string[] }) {
  if (!flags.length) return <span class="muted">—</span>;
  return (
    <span class="flag-list">
      {flags.map((f) => (
        <span key={f} class={`badge ${f === 'dormant' || f === 'no_second_factor' ? 'badge-bad' : 'badge-warn'}`} data-testid="review-flag" data-flag={f}>
          {FLAGS[f] ?? f.replace(/_/g, ' ')}
        </span>
      ))}
    </span>
  );
}

/** Who can get in, with what, and what deserves a look: the same report as `taquilla access review`. */
export function AccessReviewPage() {
  const report = useResource((signal) => adminApi<AccessReport>('/api/admin/access-review', { signal }), []);
  const r = report.data;
  return (
    <>
      <PageHeader
        title="Access review"
        subtitle={
          r
            ? `Accounts and keys unused for ${r.dormantDays} days are disabled by the daily job. Generated ${formatShortDateTime(r.generatedAt)}.`
            : 'Every staff account and API key, what it may do, and what deserves a look.'
        }
      />
      <ErrorNotice error={report.error} />
      {!r && report.loading && <Loading />}
      {r && (
        <div class="stack" data-testid="access-review">
          <div class="stats stats-compact">
            <Stat label="Active staff" value={String(r.summary.active)} testid="review-active" />
            <Stat label="Invited" value={String(r.summary.invited)} testid="review-invited" />
            <Stat label="Active owners" value={String(r.summary.owners)} testid="review-owners" tone={r.summary.owners < 2 ? 'warn' : undefined} />
            <Stat label="Active API keys" value={String(r.summary.apiKeys)} testid="review-keys" />
            <Stat label="Flagged" value={String(r.summary.flagged)} testid="review-flagged" tone={r.summary.flagged ? 'warn' : 'good'} />
          </div>
          {r.warnings.map((w) => (
            <Notice key={w} tone={w === 'no_active_owner' || w === 'break_glass_used' ? 'error' : 'warning'} testid="review-warning">
              {WARNINGS[w] ?? w}
              {w === 'break_glass_used' &&
                ` ${r.breakGlass.usesLast30Days} use(s), last ${r.breakGlass.lastUsedAt ? formatAgo(r.breakGlass.lastUsedAt) : 'unknown'}.`}
            </Notice>
          ))}
          <Section title="Staff" class="card-flush-body" testid="review-staff">
            <table class="table">
              <thead>
                <tr>
                  <th>Person</th>
                  <th>Role</th>
                  <th>Status</th>
                  <th>Factors</th>
                  <th>Last use</th>
                  <th>Flags</th>
                </tr>
              </thead>
              <tbody>
                {r.staff.map((s) => (
                  <tr key={s.id} data-testid="review-staff-row" data-email={s.email}>
                    <td>
                      <strong>{s.name || s.email}</strong>
                      {s.name && <div class="small muted">{s.email}</div>}
                    </td>
                    <td>{roleLabel(s.role)}</td>
                    <td>
                      <Badge status={s.status} />
                    </td>
                    <td class="small">
                      {s.factors.passkeys} passkey(s){s.factors.totp ? ' + app' : ''} · {s.factors.recoveryCodesLeft} codes
                    </td>
                    <td>
                      {s.lastUsedAt ? formatAgo(s.lastUsedAt) : <span class="muted">never</span>}
                      {s.dormantAt && <div class="small muted">dormant on {formatDate(s.dormantAt)}</div>}
                    </td>
                    <td>
                      <Flags flags={s.flags} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          <Section title="API keys" class="card-flush-body" testid="review-keys-list">
            {r.apiKeys.length === 0 ? (
              <p class="card-note muted">No API keys.</p>
            ) : (
              <table class="table">
                <thead>
                  <tr>
                    <th>Key</th>
                    <th>Permissions</th>
                    <th>Status</th>
                    <th>Last use</th>
                    <th>Flags</th>
                  </tr>
                </thead>
                <tbody>
                  {r.apiKeys.map((k) => (
                    <tr key={k.id} data-testid="review-key-row">
                      <td>
                        <strong>{k.name}</strong>
                        <div class="mono small muted">{k.prefix}…</div>
                      </td>
                      <td class="mono small">{k.permissions.join(', ')}</td>
                      <td>
                        <Badge status={k.status === 'expired' ? 'paused' : k.status} label={k.status === 'expired' ? 'Expired' : undefined} />
                        <div class="small muted">until {formatDate(k.expiresAt)}</div>
                      </td>
                      <td>{k.lastUsedAt ? formatAgo(k.lastUsedAt) : <span class="muted">never</span>}</td>
                      <td>
                        <Flags flags={k.flags} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          <Section title="Disabled by the daily job (30 days)" testid="review-dormant-runs">
            {r.dormantRuns.every((run) => run.disabled.length === 0) ? (
              <p class="muted">Nothing was disabled for being unused.</p>
            ) : (
              <ul class="plain-list">
                {r.dormantRuns
                  .filter((run) => run.disabled.length > 0)
                  .map((run) => (
                    <li key={run.day}>
                      <strong>{formatDate(run.ranAt)}</strong>:{' '}
                      {run.disabled.map((d) => `${d.name}${d.role ? ` (${roleLabel(d.role)})` : d.type === 'api_key' ? ' (API key)' : ''}`).join(', ')}
                    </li>
                  ))}
              </ul>
            )}
            <p class="hint">
              The break-glass token is {r.breakGlass.enabled ? 'on' : 'off'}; used {r.breakGlass.usesLast30Days} time(s) in the last 30 days. The purge (
              <code>taquilla access purge</code>) runs from the command line.
            </p>
          </Section>
        </div>
      )}
    </>
  );
}
