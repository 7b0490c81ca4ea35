/**
 * CSV as RFC 4180 writes it (CRLF line ends; a field with a comma, quote or line break quoted,
 * quotes doubled), safe to open in a spreadsheet: a text cell starting with = + - @ tab or CR
 * would be run as a formula (CSV injection), so it gets a leading apostrophe. Numbers the
 * exporter writes itself (totals, counts) are not text cells and keep their minus sign.
 */

/** Excel reads a file as UTF-8 only when it starts with the byte order mark. */
export const BOM = '\uFEFF';

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = value instanceof Date ? value.toISOString() : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;
