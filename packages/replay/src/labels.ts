/**
 * Labels: the events that truly happen in a clip, written by a person next to it. Two forms
 * (docs/testing.md):
 *
 * JSON, times in seconds or m:ss, an optional tolerance in seconds:
 *     {"events": [{"label": "person", "start": "0:12", "end": "0:30"}], "tolerance": 1}
 *
 * Text, one event per line, `#` comments, labels with spaces in double quotes:
 *     person 12 30
 *     "stopped vehicle" 1:02 1:30
 *
 * A file in JSON is recognised by its `.json` extension or its first character `{`. Every
 * mistake is an error naming the file, the line (or the JSON path) and what to write instead.
 */
import { readFile } from 'node:fs/promises';
import { parseMediaTime, TIME_FORMS } from './media-time.js';

export interface LabeledEvent {
  readonly label: string;
  /** From the clip's first frame. */
  readonly startMs: number;
  readonly endMs: number;
  /** Where it was written, e.g. `labels.txt:3` or `labels.json: events[2]`. */
  readonly where: string;
}

export interface Labels {
  readonly file: string;
  readonly events: readonly LabeledEvent[];
  /** How long after an event's end a detection still counts for it, when the file says. */
  readonly toleranceMs?: number;
}

export class LabelsError extends Error {
  override readonly name = 'LabelsError';
}

export async function readLabels(file: string): Promise<Labels> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LabelsError(`${file}: cannot read the labels file${code === 'ENOENT' ? ': no such file' : `: ${(error as Error).message}`}`);
  }
  // A UTF-16 byte order mark (Windows editors' "Unicode"): the text would read as garbage.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new LabelsError(`${file}: the labels file is UTF-16 text; save it as UTF-8`);
  }
  return parseLabels(bytes.toString('utf8'), file);
}

export function parseLabels(text: string, file: string): Labels {
  // Editors on some systems start UTF-8 files with a byte order mark, which JSON.parse refuses.
  const body = text.replace(/^\uFEFF/, '');
  const json = file.toLowerCase().endsWith('.json') || body.trimStart().startsWith('{');
  return json ? parseJsonLabels(body, file) : parseTextLabels(body, file);
}

function parseJsonLabels(text: string, file: string): Labels {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LabelsError(`${file}${jsonErrorLine(text)}: not valid JSON (${(error as Error).message}); write {"events": [{"label": "person", "start": "0:12", "end": "0:30"}]}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new LabelsError(`${file}: expected an object {"events": [...]}, got ${describe(data)}`);
  }
  const { events, tolerance, ...rest } = data as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new LabelsError(`${file}: unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}; a labels file has "events" and optionally "tolerance"`);
  if (!Array.isArray(events)) throw new LabelsError(`${file}: "events" must be a list of {"label", "start", "end"}, got ${describe(events)}`);
  let toleranceMs: number | undefined;
  if (tolerance !== undefined) {
    toleranceMs = parseMediaTime(tolerance);
    if (toleranceMs === undefined) throw new LabelsError(`${file}: "tolerance" must be a number of seconds >= 0, got ${describe(tolerance)}`);
  }
  const parsed = events.map((event, i) => {
    const where = `${file}: events[${i}]`;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new LabelsError(`${where}: expected {"label", "start", "end"}, got ${describe(event)}`);
    const { label, start, end, ...others } = event as Record<string, unknown>;
    const extra = Object.keys(others);
    if (extra.length > 0) throw new LabelsError(`${where}: unknown field ${extra.map((k) => JSON.stringify(k)).join(', ')}; an event has "label", "start" and "end"`);
    if (typeof label !== 'string' || label.trim() === '') throw new LabelsError(`${where}: "label" must be a non-empty string, got ${describe(label)}`);
    return labeledEvent(label.trim(), time(start, 'start', where), time(end, 'end', where), where);
  });
  return { file, events: parsed, ...(toleranceMs !== undefined ? { toleranceMs } : {}) };
}

function parseTextLabels(text: string, file: string): Labels {
  const events: LabeledEvent[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const where = `${file}:${i + 1}`;
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    let label: string;
    let rest: string;
    if (line.startsWith('"')) {
      const close = line.indexOf('"', 1);
      if (close === -1) throw new LabelsError(`${where}: the label's closing quote is missing; write "stopped vehicle" 1:02 1:30`);
      label = line.slice(1, close).trim();
      rest = line.slice(close + 1);
    } else {
      const space = line.search(/\s/);
      label = space === -1 ? line : line.slice(0, space);
      rest = space === -1 ? '' : line.slice(space);
    }
    const times = rest.trim().split(/\s+/).filter(Boolean);
    if (label === '') throw new LabelsError(`${where}: the label is empty`);
    if (times.length !== 2) {
      throw new LabelsError(`${where}: expected LABEL START END (e.g. person 12 30, or "stopped vehicle" 1:02 1:30), got ${times.length} time${times.length === 1 ? '' : 's'} after the label`);
    }
    events.push(labeledEvent(label, time(times[0], 'start', where), time(times[1], 'end', where), where));
  });
  return { file, events };
}

function time(value: unknown, field: 'start' | 'end', where: string): number {
  const ms = parseMediaTime(value);
  if (ms === undefined) throw new LabelsError(`${where}: ${field} ${describe(value)} is not a time; write ${TIME_FORMS}`);
  return ms;
}

function labeledEvent(label: string, startMs: number, endMs: number, where: string): LabeledEvent {
  if (endMs < startMs) throw new LabelsError(`${where}: the end (${endMs / 1000} s) is before the start (${startMs / 1000} s)`);
  return { label, startMs, endMs, where };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** `:LINE` of the first JSON syntax error (V8's messages do not always say where it is). */
function jsonErrorLine(text: string): string {
  const offset = jsonErrorOffset(text);
  return offset === undefined ? '' : `:${text.slice(0, offset).split('\n').length}`;
}

/** Where a JSON text first goes wrong, by a small recursive descent over its grammar. */
function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const space = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) return void i++;
      for (;;) {
        if (close === '}') {
          space();
          if (text[i] !== '"') fail();
          value();
          space();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    }
    const token = /^(?:"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!token) fail();
    i += token![0].length;
  };
  try {
    value();
    space();
    return i < text.length ? i : undefined;
  } catch (offset) {
    return typeof offset === 'number' ? Math.min(offset, text.length) : undefined;
  }
}
