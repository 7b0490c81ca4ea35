import { useMemo, useState } from 'preact/hooks';
import { navigate } from '../../shared/router';
import { ApiError } from '../../shared/api';
import { flash } from '../flash';
import { formatCount, plural } from '../format';
import { adminApi } from '../session';
import { ErrorNotice, Field, Notice, PageHeader, Section, Stat } from '../ui';
import { GaAreasEditor, type GaRow } from './ga-areas-editor';
import { checkGaAreas, MAX_GA_AREAS, parseSeatMap, type Issue, type SeatMapFile } from './seat-map-parse';
import { SeatMapSvg } from './seat-map-svg';
import { defaultTimeZone, TimeZoneInput, timeZoneProblem } from './time-zone-field';

const CSV_EXAMPLE = `section,row,number,x,y,label,rank
Stalls,A,1,100,200,,0
Stalls,A,2,116,200,,1
Balcony,1,1,100,420,Balcony 1-1,`;

const JSON_EXAMPLE = `{
  "name": "Teatro Central",
  "seats": [
    { "section": "Stalls", "row": "A", "number": 1, "x": 100, "y": 200 }
  ],
  "gaAreas": [{ "name": "Floor", "capacity": 800, "x": 300, "y": 80 }]
}`;

function where(issue: Issue): string {
  if (issue.line !== undefined) return issue.where ? `Line ${issue.line} (${issue.where})` : `Line ${issue.line}`;
  return issue.where ?? 'File';
}

/** Turns the server's `field` (e.g. `body.seats.12.x`) into the line of the file it came from. */
function locateServerField(error: unknown, file: SeatMapFile | null): string | null {
  if (!(error instanceof ApiError)) return null;
  const field = String((error.body.error as { field?: unknown } | undefined)?.field ?? '');
  const seat = field.match(/(?:^|\.)seats\.(\d+)/);
  if (seat && file) {
    const line = file.seatLines[Number(seat[1])];
    return line !== undefined ? `This is line ${line} of the ${file.format.toUpperCase()} file.` : `This is seat number ${Number(seat[1]) + 1} of the file.`;
  }
  const area = field.match(/(?:^|\.)gaAreas\.(\d+)/);
  if (area) return `This is GA area ${Number(area[1]) + 1} in the list.`;
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
      setReadError(`The file could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const areaProblems = useMemo(() => checkGaAreas(areas), [areas]);
  const seats = file?.seats ?? [];
  const summary = useMemo(() => {
    const sections = new Set(seats.map((s) => s.section));
    const rows = new Set(seats.map((s) => `${s.section}\0${s.row}`));
    const ga = areas.reduce((n, a) => n + (Number(a.capacity) || 0), 0);
    return { sections: sections.size, rows: rows.size, ga };
  }, [seats, areas]);
  const previewAreas = useMemo(() => areas.map((a) => ({ name: a.name || 'GA', capacity: Number(a.capacity) || 0, x: a.x, y: a.y })), [areas]);

  const problems: string[] = [];
  if (!name.trim()) problems.push('Give the venue a name.');
  const zoneProblem = timeZoneProblem(timeZone);
  if (zoneProblem) problems.push(zoneProblem);
  if (file?.errors.length) problems.push('Fix the problems in the file, then choose it again.');
  if (areaProblems.size) problems.push('Fix the GA areas.');
  if (seats.length === 0 && areas.length === 0) problems.push('Choose a seat map file or add a GA area.');
  if (areas.length > MAX_GA_AREAS) problems.push(`A venue can have at most ${MAX_GA_AREAS} GA areas.`);

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
      flash(`Venue “${body.name}” created with ${plural(seats.length, 'seat')} and ${plural(summary.ga, 'GA place')}.`);
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
      <PageHeader
        back={{ href: '/console/venues', label: 'Venues' }}
        title="Import a venue"
        subtitle="Read a seat map from a file, check it here, then create the venue."
      />
      <div class="grid-2-1">
        <div class="stack">
          <Section title="1 · Name">
            <Field label="Venue name" error={tried && !name.trim() ? 'Give the venue a name.' : null}>
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
          <Section title="2 · Seat map file">
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
              <span class="drop-zone-title">{fileName ? `“${fileName}” · choose another file` : 'Choose a CSV or JSON file'}</span>
              <span class="muted small">or drop it here. Seats only; leave this out for a standing-only venue.</span>
            </label>
            {readError && <Notice tone="error">{readError}</Notice>}
            {file && file.errors.length > 0 && (
              <Notice tone="error" title={`${plural(file.errors.length, 'problem')} in ${fileName}`} testid="import-errors">
                <ul class="issues">
                  {file.errors.map((issue, i) => (
                    <li key={i}>
                      <strong>{where(issue)}:</strong> {issue.message}
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
                      <strong>{where(issue)}:</strong> {issue.message}
                    </li>
                  ))}
                </ul>
              </Notice>
            )}
            {file && file.errors.length === 0 && (
              <Notice tone="success" testid="import-ok">
                {fileName}: {plural(seats.length, 'seat')} read, no problems.
              </Notice>
            )}
            <details class="help">
              <summary>File formats</summary>
              <p>
                <strong>CSV</strong>: one seat per line, columns <code>section,row,number,x,y</code> and optionally <code>label</code> and <code>rank</code>
                (lower rank sells first; without it, the order of the file). A header row is optional; <code>;</code> works as a separator too.
              </p>
              <pre class="code">{CSV_EXAMPLE}</pre>
              <p>
                <strong>JSON</strong>: the body of <code>POST /api/admin/venues</code>; its GA areas fill the list below.
              </p>
              <pre class="code">{JSON_EXAMPLE}</pre>
            </details>
          </Section>
          <Section title="3 · GA areas (standing room)">
            <GaAreasEditor rows={areas} onChange={setAreas} problems={tried ? areaProblems : new Map()} />
          </Section>
        </div>
        <div class="stack sticky">
          <Section title="Preview" testid="venue-preview">
            <div class="stats stats-compact">
              <Stat label="Seats" value={formatCount(seats.length)} testid="preview-seats" />
              <Stat label="Sections" value={summary.sections} testid="preview-sections" />
              <Stat label="Rows" value={formatCount(summary.rows)} testid="preview-rows" />
              <Stat label="GA places" value={formatCount(summary.ga)} detail={plural(areas.length, 'area')} testid="preview-ga" />
            </div>
            <p class="capacity-line">
              Capacity <strong data-testid="preview-capacity">{formatCount(seats.length + summary.ga)}</strong>
            </p>
            <SeatMapSvg seats={seats} gaAreas={previewAreas} label="Preview of the seat map" testid="preview-map" />
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
          {serverError !== null && <ErrorNotice error={serverError} title="The server refused the venue" testid="import-server-error" />}
          {serverHint && (
            <p class="hint" data-testid="import-server-line">
              {serverHint}
            </p>
          )}
          <button type="submit" class="btn btn-primary btn-block btn-lg" disabled={busy} data-testid="venue-create">
            {busy ? 'Creating…' : 'Create venue'}
          </button>
        </div>
      </div>
    </form>
  );
}
