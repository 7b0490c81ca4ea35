import { formatCount, formatHourMinute, formatMoney } from '../format';
import { t, tp } from '../i18n';
import type { TimelinePoint } from '../types';

const W = 720;
const H = 220;
const M = { left: 44, right: 10, top: 14, bottom: 30 };

/** The smallest 1, 2 or 5 × 10^k at or above `n`, so the axis reads in round numbers. */
function niceCeil(n: number): number {
  if (n <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}

export function timelineSummary(points: TimelinePoint[]): { tickets: number; revenue: number; peak: TimelinePoint | null } {
  let tickets = 0,
    revenue = 0,
    peak: TimelinePoint | null = null;
  for (const p of points) {
    tickets += p.tickets;
    revenue += p.revenue;
    if (p.tickets > 0 && (!peak || p.tickets > peak.tickets)) peak = p;
  }
  return { tickets, revenue, peak };
}

/** Tickets sold per minute as SVG bars; the last bar is the minute in progress. No chart library. */
export function SalesChart(props: { points: TimelinePoint[]; currency: string | null }) {
  const { points } = props;
  const n = Math.max(points.length, 1);
  const top = niceCeil(Math.max(0, ...points.map((p) => p.tickets)));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const slot = plotW / n;
  const barW = Math.max(1, slot * 0.72);
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const summary = timelineSummary(points);
  const counts = { minutes: formatCount(points.length), total: formatCount(summary.tickets) };
  const label = summary.peak
    ? t('sales.chartPeak', { ...counts, peak: formatCount(summary.peak.tickets), time: formatHourMinute(summary.peak.minute) })
    : t('sales.chart', counts);
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid="sales-chart">
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={M.left} x2={W - M.right} y1={y(top * f)} y2={y(top * f)} class={f === 0 ? 'chart-axis' : 'chart-grid'} />
          <text x={M.left - 8} y={y(top * f)} text-anchor="end" dominant-baseline="middle" class="chart-label">
            {formatCount(top * f)}
          </text>
        </g>
      ))}
      {points.map((p, i) => {
        const x = M.left + i * slot + (slot - barW) / 2;
        const h = (p.tickets / top) * plotH;
        const minute = new Date(p.minute);
        return (
          <g key={p.minute}>
            {p.tickets > 0 && (
              <rect
                x={x}
                y={M.top + plotH - h}
                width={barW}
                height={h}
                rx={Math.min(2, barW / 3)}
                class={i === points.length - 1 ? 'chart-bar chart-bar-current' : 'chart-bar'}
              />
            )}
            {/* A full-height hit area so every minute, even an empty one, has a tooltip. */}
            <rect x={M.left + i * slot} y={M.top} width={slot} height={plotH} class="chart-hit">
              <title>{`${formatHourMinute(minute)} · ${tp('count.tickets', p.tickets)} · ${formatMoney(p.revenue, props.currency)}`}</title>
            </rect>
            {minute.getMinutes() % 10 === 0 && (
              <text x={M.left + i * slot + slot / 2} y={H - 10} text-anchor="middle" class="chart-label">
                {formatHourMinute(minute)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
