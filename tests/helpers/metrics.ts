/**
 * Reading Prometheus's text format in tests: a sample's value is the sum over every series of
 * `name` whose labels include all of `labels` (0 when there is none).
 */
export function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    const series = brace === -1 ? line.slice(0, space) : line.slice(0, brace);
    if (series !== name) continue;
    const pairs = `,${brace === -1 ? '' : line.slice(brace + 1, line.lastIndexOf('}'))},`;
    if (Object.entries(labels).every(([k, v]) => pairs.includes(`,${k}="${v}",`))) sum += Number(line.slice(space + 1));
  }
  return sum;
}

/** The names of every metric the text declares (its `# TYPE` lines). */
export function metricNames(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('# TYPE '))
    .map((line) => line.split(' ')[2]!);
}
