import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { collectProcessMetrics, metrics } from '../src/platform/metrics.js';
import '../src/platform/metrics.scrape.js';
import { metricNames } from './helpers/metrics.js';

/**
 * deploy/grafana and deploy/prometheus name metrics by hand: these tests hold them to the
 * registry the app serves, so a renamed metric cannot leave a dashboard panel or an alert
 * silently empty, and each query to PromQL's own grammar.
 */
const dashboard = JSON.parse(readFileSync('deploy/grafana/taquilla-dashboard.json', 'utf8'));
const rules = parseYaml(readFileSync('deploy/prometheus/alerts.yml', 'utf8'));

interface Panel {
  type: string;
  title: string;
  id: number;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
}
const panels = dashboard.panels as Panel[];
const dashboardQueries = panels.flatMap((p) => (p.targets ?? []).map((target) => ({ where: p.title, expr: target.expr })));
const alertRules = (rules.groups as { name: string; rules: Record<string, unknown>[] }[]).flatMap((g) => g.rules);

/** How a panel names the data source the dashboard's viewer picks (Grafana's variable syntax, not a template string). */
const CHOSEN = '$' + '{datasource}';

/** Grafana's own variables, replaced as Grafana does before the query reaches Prometheus. */
const resolved = (expr: string) => expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h').replaceAll('$job', 'taquilla');

async function registryNames(): Promise<Set<string>> {
  collectProcessMetrics();
  const text = await metrics.metrics();
  const series = new Set(metricNames(text));
  // A histogram is queried through its series.
  for (const [, name] of text.matchAll(/^# TYPE (\S+) histogram$/gm)) for (const suffix of ['_bucket', '_sum', '_count']) series.add(`${name}${suffix}`);
  return series;
}

function syntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
    },
  });
  return errors;
}

const usedMetrics = (expr: string) => [...expr.matchAll(/\btaquilla_[a-z0-9_]+/g)].map((m) => m[0]);

test('monitoring: every metric the dashboard and the alert rules name exists in the registry the app serves', async () => {
  const known = await registryNames();
  const queries = [...dashboardQueries, ...alertRules.map((r) => ({ where: String(r.alert), expr: String(r.expr) }))];
  assert.ok(queries.length > 40, `${queries.length} queries`);
  const unknown = queries.flatMap(({ where, expr }) =>
    usedMetrics(expr)
      .filter((name) => !known.has(name))
      .map((name) => `${where}: ${name}`),
  );
  assert.deepEqual(unknown, []);
});

test('monitoring: every dashboard query and alert expression parses as PromQL', () => {
  const broken = [
    ...dashboardQueries.map(({ where, expr }) => ({ where, errors: syntaxErrors(resolved(expr)) })),
    ...alertRules.map((r) => ({ where: String(r.alert), errors: syntaxErrors(String(r.expr)) })),
  ].filter((q) => q.errors.length > 0);
  assert.deepEqual(broken, []);
  // The check itself finds a broken query.
  assert.ok(syntaxErrors('sum(rate(taquilla_http_requests_total[5m])').length > 0);
});

test('monitoring: the dashboard shows an on-sale at a glance: each signal the operator watches, through a chosen Prometheus', () => {
  assert.equal(typeof dashboard.uid, 'string');
  assert.equal(dashboard.schemaVersion >= 36, true);
  const variables = dashboard.templating.list as { name: string; type: string; query: unknown }[];
  assert.deepEqual(
    variables.find((v) => v.name === 'datasource'),
    { ...variables.find((v) => v.name === 'datasource'), type: 'datasource', query: 'prometheus' },
  );
  const queried = panels.filter((p) => p.type !== 'row');
  for (const p of queried) {
    assert.equal(p.datasource?.uid, CHOSEN, `${p.title}: the chosen data source`);
    assert.ok((p.targets ?? []).length > 0 && p.targets!.every((t) => t.datasource?.uid === CHOSEN), p.title);
    assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${p.title} fits the grid`);
  }
  assert.equal(new Set(panels.map((p) => p.id)).size, panels.length, 'panel ids are unique');
  const used = new Set(dashboardQueries.flatMap(({ expr }) => usedMetrics(expr)));
  const signals = [
    'taquilla_http_requests_total',
    'taquilla_http_request_duration_seconds_bucket',
    'taquilla_holds_total',
    'taquilla_orders_total',
    'taquilla_payments_total',
    'taquilla_tickets_sold_total',
    'taquilla_queue_length',
    'taquilla_queue_admissions_total',
    'taquilla_queue_admissions_per_minute',
    'taquilla_queue_allowed_per_minute',
    'taquilla_queue_limited_by',
    'taquilla_shield_refusals_total',
    'taquilla_shield_mode',
    'taquilla_db_pool_in_use',
    'taquilla_db_pool_waiting',
    'taquilla_nodejs_eventloop_lag_p99_seconds',
    'taquilla_outbox_backlog',
    'taquilla_build_info',
  ];
  assert.deepEqual(
    signals.filter((s) => !used.has(s)),
    [],
  );
});

test('monitoring: each alert rule pages or files a ticket, says what happened, and waits before it fires', () => {
  const names = alertRules.map((r) => r.alert);
  assert.equal(new Set(names).size, names.length, 'alert names are unique');
  for (const rule of alertRules) {
    assert.match(String(rule.alert), /^Taquilla[A-Z]\w+$/);
    assert.match(String(rule.for), /^\d+[smh]$/, `${rule.alert}: for`);
    assert.ok(['page', 'ticket'].includes((rule.labels as { severity?: string })?.severity ?? ''), `${rule.alert}: severity`);
    assert.ok((rule.annotations as { summary?: string })?.summary, `${rule.alert}: summary`);
  }
  const alerting = new Set(alertRules.flatMap((r) => usedMetrics(String(r.expr))));
  for (const signal of [
    'taquilla_http_requests_total',
    'taquilla_http_request_duration_seconds_bucket',
    'taquilla_db_pool_waiting',
    'taquilla_nodejs_eventloop_lag_p99_seconds',
    'taquilla_outbox_backlog',
    'taquilla_dependency_up',
    'taquilla_shield_mode',
    'taquilla_build_info',
    'taquilla_payments_total',
  ]) {
    assert.ok(alerting.has(signal), `an alert watches ${signal}`);
  }
});
