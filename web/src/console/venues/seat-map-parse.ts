/**
 * Reads a venue's seat map from the operator's file, in the browser, before anything is sent:
 * CSV (`section,row,number,x,y[,label][,rank]`, with or without a header row) or JSON (the body
 * of `POST /api/admin/venues`). Every problem names its line, so the file can be fixed at once.
 */
import { formatInteger, type MessageKey, type Params, t, tp } from '../i18n';
import { elementLines, jsonSyntaxError } from './json-positions';

export interface SeatInput {
  section: string;
  row: string;
  number: number;
  label?: string;
  x: number;
  y: number;
  rank?: number;
}
export interface GaInput {
  name: string;
  capacity: number;
  x?: number;
  y?: number;
}
export interface Issue {
  line?: number;
  where?: string;
  /** The problem in the console's language, read when shown (the language may change after the file is read). */
  message: () => string;
  /**
   * The file's own words in the message (column and field names, values read): left as `{name}`
   * in `message`, shown as code, and not translated.
   */
  tokens?: Record<string, string>;
}

type Said = Pick<Issue, 'message' | 'tokens'>;
/** A message of the catalogue, read when shown, with the file's own words as tokens. */
const say = (key: MessageKey, params?: Params, tokens?: Record<string, string>): Said => ({
  message: () => t(key, params),
  ...(tokens ? { tokens } : {}),
});

export interface SeatMapFile {
  format: 'csv' | 'json';
  name?: string;
  seats: SeatInput[];
  /** The file line each seat came from, for messages about `seats.N`. */
  seatLines: (number | undefined)[];
  gaAreas: GaInput[];
  errors: Issue[];
  warnings: Issue[];
}

const MAX_ISSUES = 200;
export const MAX_SEATS = 100_000;
export const MAX_GA_AREAS = 100;
const COLUMNS = ['section', 'row', 'number', 'x', 'y', 'label', 'rank'] as const;
type Column = (typeof COLUMNS)[number];

export function parseSeatMap(fileName: string, text: string): SeatMapFile {
  const clean = text.replace(/^\uFEFF/, '');
  const looksJson = /\.json$/i.test(fileName) || (!/\.csv$/i.test(fileName) && /^\s*[{[]/.test(clean));
  return looksJson ? parseJson(clean) : parseCsv(clean);
}

class Collector {
  errors: Issue[] = [];
  warnings: Issue[] = [];
  dropped = 0;
  error(issue: Issue): void {
    if (this.errors.length < MAX_ISSUES) this.errors.push(issue);
    else this.dropped++;
  }
  finish(): void {
    this.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const dropped = this.dropped;
    if (dropped) this.errors.push({ message: () => tp('venues.parse.more', dropped) });
  }
}

type Raw = Partial<Record<Column, unknown>>;

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v.trim()))) return Number(v.trim());
  return undefined;
};
const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** One seat, checked against the server's rules; pushes messages and returns null if it can't be used. */
function checkSeat(raw: Raw, push: (said: Said) => void): SeatInput | null {
  const before = { count: 0 };
  const fail = (key: MessageKey, tokens: Record<string, string>, params?: Params) => {
    before.count++;
    push(say(key, params, tokens));
  };
  const section = text(raw.section);
  if (!section) fail('venues.parse.empty', { column: 'section' });
  else if (section.length > 60) fail('venues.parse.tooLong', { column: 'section' }, { max: 60 });
  const row = text(raw.row);
  if (!row) fail('venues.parse.empty', { column: 'row' });
  else if (row.length > 20) fail('venues.parse.tooLong', { column: 'row' }, { max: 20 });
  const number = num(raw.number);
  if (number === undefined || !Number.isInteger(number) || number < 0 || number > 100_000)
    fail('venues.parse.number', { column: 'number', value: String(raw.number ?? '') });
  const x = num(raw.x);
  if (x === undefined) fail('venues.parse.notNumber', { column: 'x', value: String(raw.x ?? '') });
  const y = num(raw.y);
  if (y === undefined) fail('venues.parse.notNumber', { column: 'y', value: String(raw.y ?? '') });
  const label = blank(raw.label) ? undefined : text(raw.label);
  if (label !== undefined && label.length > 60) fail('venues.parse.tooLong', { column: 'label' }, { max: 60 });
  let rank: number | undefined;
  if (!blank(raw.rank)) {
    rank = num(raw.rank);
    if (rank === undefined || !Number.isInteger(rank) || rank < 0) fail('venues.parse.rank', { column: 'rank', value: String(raw.rank) });
  }
  if (before.count) return null;
  const seat: SeatInput = { section: section!, row: row!, number: number!, x: x!, y: y! };
  if (label !== undefined) seat.label = label;
  if (rank !== undefined) seat.rank = rank;
  return seat;
}

function checkDuplicates(seats: SeatInput[], lines: (number | undefined)[], issues: Collector): void {
  const seen = new Map<string, number>();
  seats.forEach((s, i) => {
    const key = `${s.section}\0${s.row}\0${s.number}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const firstLine = lines[first];
      const seat = { section: s.section, row: s.row, number: String(s.number) };
      issues.error({
        line: lines[i],
        where: lines[i] === undefined ? `seats[${i}]` : undefined,
        ...(firstLine !== undefined
          ? say('venues.parse.repeats', { line: firstLine }, seat)
          : say('venues.parse.repeatsAt', undefined, { ...seat, first: `seats[${first}]` })),
      });
    } else seen.set(key, i);
  });
  if (seats.length > MAX_SEATS)
    issues.error({ message: () => t('venues.parse.tooManySeats', { count: formatInteger(seats.length), max: formatInteger(MAX_SEATS) }) });
}

/** Splits CSV text into records, honouring quotes (a quoted field may hold the delimiter or a newline). */
export function csvRecords(source: string, delimiter: string): { records: { line: number; fields: string[] }[]; unclosedQuoteLine?: number } {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let quoteLine = 1;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      quoteLine = line;
      field = '';
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\n') {
      fields.push(field);
      records.push({ line: start, fields });
      fields = [];
      field = '';
      line++;
      start = line;
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || fields.length) {
    fields.push(field);
    records.push({ line: start, fields });
  }
  return quoted ? { records, unclosedQuoteLine: quoteLine } : { records };
}

export function parseCsv(source: string): SeatMapFile {
  const issues = new Collector();
  const firstLine = source.split('\n', 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const { records, unclosedQuoteLine } = csvRecords(source, delimiter);
  if (unclosedQuoteLine) issues.error({ line: unclosedQuoteLine, ...say('venues.parse.unclosedQuote') });
  const rows = records.filter((r) => r.fields.some((f) => f.trim() !== '') && !r.fields[0]!.trim().startsWith('#'));

  let columns: Column[] = [...COLUMNS];
  const head = rows[0];
  if (head?.fields.some((f) => f.trim().toLowerCase() === 'section')) {
    rows.shift();
    const names = head.fields.map((f) => f.trim().toLowerCase());
    columns = names.map((n) => n as Column);
    names.forEach((n, i) => {
      if (!(COLUMNS as readonly string[]).includes(n))
        issues.warnings.push({ line: head.line, ...say('venues.parse.unknownColumn', { n: i + 1 }, { name: head.fields[i]!.trim() }) });
    });
    for (const required of ['section', 'row', 'number', 'x', 'y']) {
      if (!names.includes(required)) issues.error({ line: head.line, ...say('venues.parse.missingColumn', undefined, { column: required }) });
    }
  }

  const seats: SeatInput[] = [];
  const seatLines: number[] = [];
  if (issues.errors.length === 0) {
    for (const record of rows) {
      if (record.fields.length > columns.length) {
        issues.error({
          line: record.line,
          ...say('venues.parse.tooManyFields', { count: record.fields.length, max: columns.length }, { columns: columns.join(', ') }),
        });
        continue;
      }
      const raw: Raw = {};
      columns.forEach((column, i) => {
        if ((COLUMNS as readonly string[]).includes(column)) raw[column] = record.fields[i];
      });
      const seat = checkSeat(raw, (said) => issues.error({ line: record.line, ...said }));
      if (seat) {
        seats.push(seat);
        seatLines.push(record.line);
      }
    }
    if (rows.length === 0) issues.error(say('venues.parse.noSeats'));
    checkDuplicates(seats, seatLines, issues);
  }
  issues.finish();
  return { format: 'csv', seats, seatLines, gaAreas: [], errors: issues.errors, warnings: issues.warnings };
}

function jsonErrorLine(source: string, error: unknown): Issue {
  const found = jsonSyntaxError(source);
  if (found) return { line: found.line, message: () => t('venues.parse.jsonAt', { column: found.column, problem: t(found.problem, found.params) }) };
  // The browser's own words, in its language: shown as they are.
  return say('venues.parse.json', undefined, { problem: error instanceof Error ? error.message : String(error) });
}

export function parseJson(source: string): SeatMapFile {
  const issues = new Collector();
  const empty: SeatMapFile = { format: 'json', seats: [], seatLines: [], gaAreas: [], errors: issues.errors, warnings: issues.warnings };
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (error) {
    issues.error(jsonErrorLine(source, error));
    return empty;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    issues.error({ line: 1, ...say('venues.parse.oneObject', undefined, { shape: '{ "name", "seats": [...], "gaAreas": [...] }' }) });
    return empty;
  }
  const body = data as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!['name', 'seats', 'gaAreas'].includes(key))
      issues.error({ where: key, ...say('venues.parse.notVenueField', undefined, { key, fields: 'name, seats, gaAreas' }) });
  }
  const name = typeof body.name === 'string' ? body.name.trim() : undefined;
  const rawSeats = body.seats ?? [];
  const rawAreas = body.gaAreas ?? [];
  if (!Array.isArray(rawSeats)) issues.error({ where: 'seats', ...say('venues.parse.notList', undefined, { key: 'seats' }) });
  if (!Array.isArray(rawAreas)) issues.error({ where: 'gaAreas', ...say('venues.parse.notList', undefined, { key: 'gaAreas' }) });

  const seats: SeatInput[] = [];
  const seatLines: (number | undefined)[] = [];
  if (Array.isArray(rawSeats)) {
    const lines = elementLines(source, 'seats');
    rawSeats.forEach((raw, i) => {
      const line = lines[i];
      const where = `seats[${i}]`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        issues.error({ line, where, ...say('venues.parse.notObject') });
        return;
      }
      for (const key of Object.keys(raw)) {
        if (!(COLUMNS as readonly string[]).includes(key))
          issues.error({ line, where, ...say('venues.parse.notSeatField', undefined, { key, columns: COLUMNS.join(', ') }) });
      }
      const seat = checkSeat(raw as Raw, (said) => issues.error({ line, where, ...said }));
      if (seat) {
        seats.push(seat);
        seatLines.push(line);
      }
    });
    checkDuplicates(seats, seatLines, issues);
  }
  const gaAreas: GaInput[] = [];
  if (Array.isArray(rawAreas)) {
    const lines = elementLines(source, 'gaAreas');
    rawAreas.forEach((raw, i) => {
      const line = lines[i];
      const where = `gaAreas[${i}]`;
      const area = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const areaName = text(area.name);
      const capacity = num(area.capacity);
      if (!areaName) issues.error({ line, where, ...say('venues.parse.empty', undefined, { column: 'name' }) });
      if (capacity === undefined || !Number.isInteger(capacity) || capacity < 1)
        issues.error({ line, where, ...say('venues.parse.capacity', undefined, { column: 'capacity' }) });
      if (areaName && capacity !== undefined) {
        const ga: GaInput = { name: areaName, capacity };
        const x = num(area.x);
        const y = num(area.y);
        if (x !== undefined) ga.x = x;
        if (y !== undefined) ga.y = y;
        gaAreas.push(ga);
      }
    });
  }
  issues.finish();
  return { format: 'json', name, seats, seatLines, gaAreas, errors: issues.errors, warnings: issues.warnings };
}

/** Problems with the GA areas typed in the form, in the console's language; the key is the row index. */
export function checkGaAreas(areas: { name: string; capacity: string }[]): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Set<string>();
  areas.forEach((area, i) => {
    const name = area.name.trim();
    const capacity = Number(area.capacity);
    if (!name) problems.set(i, t('venues.ga.noName'));
    else if (name.length > 60) problems.set(i, t('catalog.nameTooLong', { max: 60 }));
    else if (seen.has(name)) problems.set(i, t('venues.ga.sameName'));
    else if (!/^\d+$/.test(area.capacity.trim()) || capacity < 1 || capacity > 1_000_000)
      problems.set(i, t('venues.ga.capacity', { max: formatInteger(1_000_000) }));
    seen.add(name);
  });
  return problems;
}
