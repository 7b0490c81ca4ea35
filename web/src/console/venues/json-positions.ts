/** Positions in JSON text, so a problem in an imported seat map can name its line. */
import type { MessageKey, Params } from '../i18n';

/** The line on which each element of the top-level array `key` starts (the file is valid JSON). */
export function elementLines(source: string, key: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let lastString = '';
  let target = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\n') {
      line++;
      continue;
    }
    if (c === '"') {
      const startLine = line;
      let j = i + 1;
      let value = '';
      while (j < source.length && source[j] !== '"') {
        if (source[j] === '\\') {
          value += source[j + 1] ?? '';
          j += 2;
        } else value += source[j++];
      }
      if (target && depth === 2) lines.push(startLine);
      lastString = value;
      i = j;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === ',' || c === ':') continue;
    if (c === '[' || c === '{') {
      if (target && depth === 2) lines.push(line);
      if (c === '[' && depth === 1 && lastString === key) target = true;
      depth++;
      continue;
    }
    if (c === ']' || c === '}') {
      depth--;
      if (depth === 1) target = false;
      continue;
    }
    // A number, true, false or null starting an element.
    if (target && depth === 2) {
      lines.push(line);
      while (i + 1 < source.length && !/[\s,\]}]/.test(source[i + 1]!)) i++;
    }
  }
  return lines;
}

/**
 * Where JSON.parse gave up. Chrome's message has no position, so a small strict scanner finds the
 * first syntax error itself (it only runs when parsing has already failed).
 */
export function jsonSyntaxError(s: string): { line: number; column: number; problem: MessageKey; params?: Params } | null {
  let i = 0;
  const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const fail = (problem: MessageKey, params?: Params): never => {
    throw i >= s.length ? { at: i, problem: 'venues.json.endsEarlyBracket' } : { at: i, problem, params };
  };
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const string = () => {
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\') i++;
      else if (s[i] === '\n') fail('venues.json.textPastLine');
      i++;
    }
    if (i >= s.length) fail('venues.json.textUnclosed');
    i++;
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      ws();
      if (s[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (s[i] !== '"') fail('venues.json.propertyName');
        string();
        ws();
        if (s[i] !== ':') fail('venues.json.colon');
        i++;
        value();
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === '}') {
          i++;
          return;
        }
        fail('venues.json.commaBrace');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (s[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ']') {
          i++;
          return;
        }
        fail('venues.json.commaBracket');
      }
    }
    if (c === '"') {
      string();
      return;
    }
    LITERAL.lastIndex = i;
    const m = LITERAL.exec(s);
    if (m) {
      i += m[0].length;
      return;
    }
    fail('venues.json.unexpected', { char: c ?? '' });
  };
  try {
    value();
    ws();
    if (i < s.length) fail('venues.json.afterEnd');
    return null;
  } catch (e) {
    const { at, problem, params } = e as { at: number; problem: MessageKey; params?: Params };
    const before = s.slice(0, at);
    return { line: before.split('\n').length, column: at - before.lastIndexOf('\n'), problem, ...(params ? { params } : {}) };
  }
}
