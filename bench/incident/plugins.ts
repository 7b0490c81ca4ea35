import { RawNode, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type UnknownRow } from 'kysely';

/**
 * Two Kysely plugins that let the bench look inside createScope without changing it: one times
 * the statements it sends, the other turns its count, all-buyers and list statements into
 * EXPLAIN (ANALYZE, BUFFERS) of exactly the SQL and parameters the code built.
 */

/** The statements of interest, by how the repository's raw SQL begins. */
export function labelOf(node: unknown): string {
  const raw = node as { kind?: string; sqlFragments?: readonly string[] };
  const head = raw.kind === 'RawNode' ? (raw.sqlFragments?.[0] ?? '').trim() : '';
  if (head.startsWith('INSERT INTO incident_scope_people')) return 'list';
  if (/^SELECT count\(DISTINCT lower\(c\.buyer_email\)\)|^SELECT count\(\*\) AS people|^SELECT count\(\*\) AS n FROM checkout_records$/.test(head))
    return 'count';
  if (/FROM orders GROUP BY lower\(buyer_email\)|^SELECT count\(DISTINCT lower\(buyer_email\)\)/.test(head)) return 'allBuyers';
  if (head.startsWith('SELECT build_id FROM web_builds')) return 'hashBuilds';
  if (raw.kind === 'RawNode') return `raw: ${head.replace(/\s+/g, ' ').slice(0, 48)}`;
  // The first table a built query names: enough to tell its statements apart.
  const table = /"kind":"IdentifierNode","name":"([a-z_]+)"/.exec(JSON.stringify(node).slice(0, 2000))?.[1] ?? '?';
  const kind = (raw.kind ?? '?').replace(/QueryNode$/, '').toLowerCase();
  return `${kind} ${table}`;
}

/** Milliseconds from sending each statement to its result, by label. */
export class StatementTimer implements KyselyPlugin {
  private readonly open = new Map<unknown, { label: string; at: number }>();
  ms: Record<string, number> = {};

  reset(): void {
    this.ms = {};
  }

  transformQuery(args: PluginTransformQueryArgs) {
    this.open.set(args.queryId, { label: labelOf(args.node), at: performance.now() });
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const started = this.open.get(args.queryId);
    if (started) {
      this.open.delete(args.queryId);
      this.ms[started.label] = (this.ms[started.label] ?? 0) + performance.now() - started.at;
    }
    return args.result;
  }
}

/** Prefixes EXPLAIN to the labelled statements and keeps their plans. */
export class Explainer implements KyselyPlugin {
  private readonly pending = new Map<unknown, string>();
  readonly plans: Record<string, string> = {};

  constructor(private readonly labels: string[]) {}

  transformQuery(args: PluginTransformQueryArgs) {
    const label = labelOf(args.node);
    if (!this.labels.includes(label) || args.node.kind !== 'RawNode') return args.node;
    this.pending.set(args.queryId, label);
    const [first = '', ...rest] = args.node.sqlFragments;
    return RawNode.create([`EXPLAIN (ANALYZE, BUFFERS) ${first.trimStart()}`, ...rest], args.node.parameters);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const label = this.pending.get(args.queryId);
    if (!label) return args.result;
    this.pending.delete(args.queryId);
    this.plans[label] = args.result.rows.map((r) => String(r['QUERY PLAN'])).join('\n');
    // The callers read a first row: give them one so the code runs on.
    if (label === 'allBuyers') return { ...args.result, rows: [{ n: '0' }] };
    return label === 'count' ? { ...args.result, rows: [{ people: '0', attempts: '0' }] } : args.result;
  }
}
