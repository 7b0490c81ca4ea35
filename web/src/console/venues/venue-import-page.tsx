import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { navigate } from '../../shared/router';
import { ApiError } from '../../shared/api';
import { flash } from '../flash';
import { formatCount } from '../format';
import { t, tp } from '../i18n';
import { withParts } from '../ui';
import { ServerError } from '../catalog/server-error';
import { adminApi } from '../session';
import { Field, Notice, PageHeader, Section, Stat } from '../ui';
import { GaAreasEditor, type GaRow } from './ga-areas-editor';
import { checkGaAreas, MAX_GA_AREAS, parseSeatMap, type Issue, type SeatMapFile } from './seat-map-parse';
import { SeatMapSvg } from './seat-map-svg';
import { defaultTimeZone, TimeZoneInput, timeZoneProblem } from './time-zone-field';

/** The examples' section and area names are in the console's language; the columns and fields are the file format's own. */
const csvExample = () => {
  const [stalls, balcony] = [t('venues.example.stalls'), t('venues.example.balcony')];
  return `section,row,number,x,y,label,rank
${stalls},A,1,100,200,,0
${stalls},A,2,116,200,,1
${balcony},1,1,100,420,${balcony} 1-1,`;
};

const jsonExample = () => `{
  "name": "Teatro Central",
  "seats": [
    { "section": "${t('venues.example.stalls')}", "row": "A", "number": 1, "x": 100, "y": 200 }
  ],
  "gaAreas": [{ "name": "${t('venues.example.floor')}", "capacity": 800, "x": 300, "y": 80 }]
}`;

function where(issue: Issue): string {
  if (issue.line !== undefined)
    return issue.where ? t('venues.import.lineAt', { line: issue.line, where: issue.where }) : t('venues.import.line', { line: issue.line });
  return issue.where ?? t('venues.import.file');
}

/** An issue's message with the file's own words (columns, fields, values read) as code, not translated. */
function issueText(issue: Issue): ComponentChildren {
  const tokens = Object.fromEntries(Object.entries(issue.tokens ?? {}).map(([name, value]) => [name, <code data-user-content>{value}</code>]));
  return withParts(issue.message(), tokens);
}

/** Turns the server's `field` (e.g. `body.seats.12.x`) into the line of the file it came from. */
function locateServerField(error: unknown, file: SeatMapFile | null): string | null {
  if (!(error instanceof ApiError)) return null;
  const field = String((error.body.error as { field?: unknown } | undefined)?.field ?? '');
  const seat = field.match(/(?:^|\.)seats\.(\d+)/);
  if (seat && file) {
    const line = file.seatLines[Number(seat[1])];
    return line !== undefined
      ? t('venues.import.serverLine', { line, format: file.format.toUpperCase() })
      : t('venues.import.serverSeat', { n: Number(seat[1]) + 1 });
  }
  const area = field.match(/(?:^|\.)gaAreas\.(\d+)/);
  if (area) return t('venues.import.serverArea', { n: Number(area[1]) + 1 });
  return null;
}

export function VenueImportPage() {
  const [name, setName] = useState('');
  const [timeZone, setTimeZone] = useState(defaultTimeZone);
  const [fileName, setFileName] = useState<string | null>(null);
  const [file, setFile] = useState<SeatMapFile | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [areas, setAreas] = useState<GaRow[]>([]);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);

  const read = async (picked: File | undefined) => {
    if (!picked) return;
    setReadError(null);
    setServerError(null);
    try {
      const parsed = parseSeatMap(picked.name, await picked.text());
      setFileName(picked.name);
      setFile(parsed);
      if (parsed.name && !name.trim()) setName(parsed.name);
      if (parsed.format === 'json') setAreas(parsed.gaAreas.map((a) => ({ name: a.name, capacity: String(a.capacity), x: a.x, y: a.y })));
    } catch (e) {
      setReadError(e instanceof Error ? e.message : String(e));
    }
  };

  // In the console's language at each render (not memoised: at most 100 rows, and the language may change).
  const areaProblems = checkGaAreas(areas);
  const seats = file?.seats ?? [];
  const summary = useMemo(() => {
    const sections = new Set(seats.map((s) => s.section));
    const rows = new Set(seats.map((s) => `${s.section}\0${s.row}`));
    const ga = areas.reduce((n, a) => n + (Number(a.capacity) || 0), 0);
    return { sections: sections.size, rows: rows.size, ga };
  }, [seats, areas]);
  const previewAreas = useMemo(
    () => areas.map((a) => ({ name: a.name || t('venues.import.gaFallback'), capacity: Number(a.capacity) || 0, x: a.x, y: a.y })),
    [areas],
  );

  const problems: string[] = [];
  if (!name.trim()) problems.push(t('venues.import.noName'));
  const zoneProblem = timeZoneProblem(timeZone);
  if (zoneProblem) problems.push(zoneProblem);
  if (file?.errors.length) problems.push(t('venues.import.fixFile'));
  if (areaProblems.size) problems.push(t('venues.import.fixAreas'));
  if (seats.length === 0 && areas.length === 0) problems.push(t('venues.import.nothing'));
  if (areas.length > MAX_GA_AREAS) problems.push(t('venues.import.tooManyAreas', { max: MAX_GA_AREAS }));

  const submit = async (event: Event) => {
    event.preventDefault();
    setTried(true);
    if (problems.length) return;
    setBusy(true);
    setServerError(null);
    try {
      const body = {
        name: name.trim(),
        timeZone,
        seats,
        gaAreas: areas.map((a) => ({
          name: a.name.trim(),
          capacity: Number(a.capacity),
          ...(a.x !== undefined ? { x: a.x } : {}),
          ...(a.y !== undefined ? { y: a.y } : {}),
        })),
      };
      const created = await adminApi<{ id: string }>('/api/admin/venues', { method: 'POST', body });
      flash(t('venues.import.created', { name: body.name, seats: tp('venues.seats', seats.length), ga: tp('venues.gaPlaces', summary.ga) }));
      navigate(`/console/venues/${created.id}`);
    } catch (e) {
      setServerError(e);
    } finally {
      setBusy(false);
    }
  };

  const serverHint = locateServerField(serverError, file);
  return (
    <form onSubmit={submit} noValidate>
      <PageHeader back={{ href: '/console/venues', label: t('venues.title') }} title={t('venues.import')} subtitle={t('venues.import.subtitle')} />
      <div class="grid-2-1">
        <div class="stack">
          <Section title={t('venues.import.step1')}>
            <Field label={t('venues.import.name')} error={tried && !name.trim() ? t('venues.import.noName') : null}>
              {(id, describedBy) => (
                <input
                  id={id}
                  aria-describedby={describedBy}
                  value={name}
                  maxLength={200}
                  data-testid="venue-name"
                  onInput={(e) => setName(e.currentTarget.value)}
                />
              )}
            </Field>
            <TimeZoneInput value={timeZone} onInput={setTimeZone} error={tried ? zoneProblem : null} />
          </Section>
          <Section title={t('venues.import.step2')}>
            <label
              class={`drop-zone ${dragging ? 'drop-zone-active' : ''}`}
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={(e) => {
                e.preventDefault();
                setDragging(false);
                void read(e.dataTransfer?.files[0]);
              }}
            >
              <input
                type="file"
                accept=".csv,.json,text/csv,application/json"
                class="visually-hidden"
                data-testid="venue-file"
                onChange={(e) => {
                  void read(e.currentTarget.files?.[0]);
                  e.currentTarget.value = '';
                }}
              />
              <span class="drop-zone-title">
                {fileName ? withParts(t('venues.import.chooseAnother'), { file: <span data-user-content>{fileName}</span> }) : t('venues.import.choose')}
              </span>
              <span class="muted small">{t('venues.import.drop')}</span>
            </label>
            {readError && (
              <Notice tone="error" title={t('venues.import.unreadable')}>
                <p data-user-content>{readError}</p>
              </Notice>
            )}
            {file && file.errors.length > 0 && (
              <Notice
                tone="error"
                title={withParts(t('venues.import.problemsIn'), {
                  problems: tp('venues.import.problems', file.errors.length),
                  file: <span data-user-content>{fileName}</span>,
                })}
                testid="import-errors"
              >
                <ul class="issues">
                  {file.errors.map((issue, i) => (
                    <li key={i}>
                      <strong>{where(issue)}:</strong> {issueText(issue)}
                    </li>
                  ))}
                </ul>
              </Notice>
            )}
            {file && file.warnings.length > 0 && (
              <Notice tone="warning" testid="import-warnings">
                <ul class="issues">
                  {file.warnings.map((issue, i) => (
                    <li key={i}>
                      <strong>{where(issue)}:</strong> {issueText(issue)}
                    </li>
                  ))}
                </ul>
              </Notice>
            )}
            {file && file.errors.length === 0 && (
              <Notice tone="success" testid="import-ok">
                {withParts(t('venues.import.ok'), { file: <span data-user-content>{fileName}</span>, seats: tp('venues.seats', seats.length) })}
              </Notice>
            )}
            <details class="help">
              <summary>{t('venues.import.formats')}</summary>
              <p>
                {withParts(t('venues.import.csvFormat'), {
                  csv: <strong>CSV</strong>,
                  columns: <code data-user-content>section,row,number,x,y</code>,
                  label: <code data-user-content>label</code>,
                  rank: <code data-user-content>rank</code>,
                  separator: <code>;</code>,
                })}
              </p>
              <pre class="code" data-user-content>
                {csvExample()}
              </pre>
              <p>
                {withParts(t('venues.import.jsonFormat'), { json: <strong>JSON</strong>, endpoint: <code data-user-content>POST /api/admin/venues</code> })}
              </p>
              <pre class="code" data-user-content>
                {jsonExample()}
              </pre>
            </details>
          </Section>
          <Section title={t('venues.import.step3')}>
            <GaAreasEditor rows={areas} onChange={setAreas} problems={tried ? areaProblems : new Map()} />
          </Section>
        </div>
        <div class="stack sticky">
          <Section title={t('venues.import.preview')} testid="venue-preview">
            <div class="stats stats-compact">
              <Stat label={t('venues.colSeats')} value={formatCount(seats.length)} testid="preview-seats" />
              <Stat label={t('venues.sections')} value={summary.sections} testid="preview-sections" />
              <Stat label={t('venues.colRows')} value={formatCount(summary.rows)} testid="preview-rows" />
              <Stat label={t('venues.colGaPlaces')} value={formatCount(summary.ga)} detail={tp('venues.areas', areas.length)} testid="preview-ga" />
            </div>
            <p class="capacity-line">
              {t('venues.colCapacity')} <strong data-testid="preview-capacity">{formatCount(seats.length + summary.ga)}</strong>
            </p>
            <SeatMapSvg seats={seats} gaAreas={previewAreas} label={t('venues.import.previewLabel')} testid="preview-map" />
          </Section>
          {tried && problems.length > 0 && (
            <Notice tone="warning" testid="import-blocked">
              <ul class="issues">
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </Notice>
          )}
          {serverError !== null && <ServerError error={serverError} title={t('venues.import.refused')} testid="import-server-error" />}
          {serverHint && (
            <p class="hint" data-testid="import-server-line">
              {serverHint}
            </p>
          )}
          <button type="submit" class="btn btn-primary btn-block btn-lg" disabled={busy} data-testid="venue-create">
            {busy ? t('catalog.creating') : t('venues.import.create')}
          </button>
        </div>
      </div>
    </form>
  );
}
