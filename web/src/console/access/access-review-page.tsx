import { formatAgo, formatDate, formatShortDateTime } from '../format';
import { hasMessage, t, tp } from '../i18n';
import { useResource } from '../hooks';
import { permissionLabel, roleLabel } from '../permissions';
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

/** A flag or a warning the server names, in words; one the console does not know, as the server names it (as data). */
function named(prefix: 'review.flag' | 'review.warning', code: string) {
  const key = `${prefix}.${code}`;
  return hasMessage(key) ? t(key) : <span data-user-content>{code.replace(/_/g, ' ')}</span>;
}

function Flags({ flags }: { flags: string[] }) {
  if (!flags.length) return <span class="muted">—</span>;
  return (
    <span class="flag-list">
      {flags.map((f) => (
        <span key={f} class={`badge ${f === 'dormant' || f === 'no_second_factor' ? 'badge-bad' : 'badge-warn'}`} data-testid="review-flag" data-flag={f}>
          {named('review.flag', f)}
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
        title={t('review.title')}
        subtitle={r ? t('review.subtitle', { days: r.dormantDays, when: formatShortDateTime(r.generatedAt) }) : t('review.subtitleLoading')}
      />
      <ErrorNotice error={report.error} />
      {!r && report.loading && <Loading />}
      {r && (
        <div class="stack" data-testid="access-review">
          <div class="stats stats-compact">
            <Stat label={t('review.active')} value={String(r.summary.active)} testid="review-active" />
            <Stat label={t('review.invited')} value={String(r.summary.invited)} testid="review-invited" />
            <Stat label={t('review.owners')} value={String(r.summary.owners)} testid="review-owners" tone={r.summary.owners < 2 ? 'warn' : undefined} />
            <Stat label={t('review.keys')} value={String(r.summary.apiKeys)} testid="review-keys" />
            <Stat label={t('review.flagged')} value={String(r.summary.flagged)} testid="review-flagged" tone={r.summary.flagged ? 'warn' : 'good'} />
          </div>
          {r.warnings.map((w) => (
            <Notice key={w} tone={w === 'no_active_owner' || w === 'break_glass_used' ? 'error' : 'warning'} testid="review-warning">
              {named('review.warning', w)}
              {w === 'break_glass_used' &&
                ` ${tp('review.breakGlassUses', r.breakGlass.usesLast30Days, { when: r.breakGlass.lastUsedAt ? formatAgo(r.breakGlass.lastUsedAt) : t('review.unknown') })}`}
            </Notice>
          ))}
          <Section title={t('review.staff')} class="card-flush-body" testid="review-staff">
            <table class="table">
              <thead>
                <tr>
                  <th>{t('staff.colPerson')}</th>
                  <th>{t('staff.colRole')}</th>
                  <th>{t('staff.colStatus')}</th>
                  <th>{t('review.colFactors')}</th>
                  <th>{t('staff.colLastUse')}</th>
                  <th>{t('review.colFlags')}</th>
                </tr>
              </thead>
              <tbody>
                {r.staff.map((s) => (
                  <tr key={s.id} data-testid="review-staff-row" data-email={s.email}>
                    <td>
                      <strong data-user-content>{s.name || s.email}</strong>
                      {s.name && (
                        <div class="small muted" data-user-content>
                          {s.email}
                        </div>
                      )}
                    </td>
                    <td>{roleLabel(s.role)}</td>
                    <td>
                      <Badge status={s.status} />
                    </td>
                    <td class="small">
                      {tp('staff.passkeys', s.factors.passkeys)}
                      {s.factors.totp ? ` + ${t('staff.app')}` : ''} · {tp('staff.codes', s.factors.recoveryCodesLeft)}
                    </td>
                    <td>
                      {s.lastUsedAt ? formatAgo(s.lastUsedAt) : <span class="muted">{t('staff.never')}</span>}
                      {s.dormantAt && <div class="small muted">{t('review.dormantOn', { date: formatDate(s.dormantAt) })}</div>}
                    </td>
                    <td>
                      <Flags flags={s.flags} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          <Section title={t('review.apiKeys')} class="card-flush-body" testid="review-keys-list">
            {r.apiKeys.length === 0 ? (
              <p class="card-note muted">{t('review.noKeys')}</p>
            ) : (
              <table class="table">
                <thead>
                  <tr>
                    <th>{t('keys.colKey')}</th>
                    <th>{t('keys.colPermissions')}</th>
                    <th>{t('staff.colStatus')}</th>
                    <th>{t('staff.colLastUse')}</th>
                    <th>{t('review.colFlags')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.apiKeys.map((k) => (
                    <tr key={k.id} data-testid="review-key-row">
                      <td>
                        <strong data-user-content>{k.name}</strong>
                        <div class="mono small muted" data-user-content>
                          {k.prefix}…
                        </div>
                      </td>
                      <td class="small">
                        {/* The codes as the server names them (an integration's developer looks them up); their meaning as a tooltip. */}
                        <span class="mono" data-user-content title={k.permissions.map(permissionLabel).join('; ')}>
                          {k.permissions.join(', ')}
                        </span>
                      </td>
                      <td>
                        <Badge
                          status={k.status === 'expired' ? 'paused' : k.status}
                          label={k.status === 'expired' ? t('keys.expired') : k.status === 'active' ? t('keys.active') : undefined}
                        />
                        <div class="small muted">{t('review.until', { date: formatDate(k.expiresAt) })}</div>
                      </td>
                      <td>{k.lastUsedAt ? formatAgo(k.lastUsedAt) : <span class="muted">{t('staff.never')}</span>}</td>
                      <td>
                        <Flags flags={k.flags} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          <Section title={t('review.dormantRuns')} testid="review-dormant-runs">
            {r.dormantRuns.every((run) => run.disabled.length === 0) ? (
              <p class="muted">{t('review.nothingDisabled')}</p>
            ) : (
              <ul class="plain-list">
                {r.dormantRuns
                  .filter((run) => run.disabled.length > 0)
                  .map((run) => (
                    <li key={run.day}>
                      <strong>{formatDate(run.ranAt)}</strong>:{' '}
                      {run.disabled.map((d, i) => (
                        <span key={d.id}>
                          {i > 0 && ', '}
                          <span data-user-content>{d.name}</span>
                          {d.role ? ` (${roleLabel(d.role)})` : d.type === 'api_key' ? ` (${t('review.apiKey')})` : ''}
                        </span>
                      ))}
                    </li>
                  ))}
              </ul>
            )}
            <p class="hint">
              {r.breakGlass.enabled ? t('review.breakGlassOn') : t('review.breakGlassOff')} {tp('review.breakGlassUsed', r.breakGlass.usesLast30Days)}{' '}
              {t('review.purge')} <code data-user-content>taquilla access purge</code>
            </p>
          </Section>
        </div>
      )}
    </>
  );
}
