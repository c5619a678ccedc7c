/** The sink that is always there: one readable line per event record. */
import type { EventRecord } from '../events.js';
import type { Sink } from './sink.js';

const confidence = (c: number | null) => (c === null ? '' : ` ${c.toFixed(2)}`);

/** `2026-01-01T00:00:02.000Z FIRED "fall" 0.91 on A (frame 120) by google/gemma-4-E4B-it — fall.ovs:3:1 — 1b2c3d4e` */
export function formatEventLine(record: EventRecord): string {
  const frame = record.frames[0]?.frame_index;
  const where = record.rule.file ? `${record.rule.file}:${record.rule.line ?? '?'}:${record.rule.column ?? '?'}` : `line ${record.rule.line ?? '?'}`;
  const streams = record.streams.map((s) => s.name).join(', ');
  const last = record.escalations.at(-1);
  const said =
    record.status === 'fired'
      ? ` by ${record.model}`
      : last
        ? ` by ${last.model}${last.description ? `: ${JSON.stringify(last.description.slice(0, 160))}` : ''}${last.error ? ` (${last.error})` : ''}`
        : '';
  const conf = record.status === 'fired' ? record.confidence : (last?.confidence ?? record.confidence);
  return `${record.time} ${record.status.toUpperCase()} ${record.labels.map((l) => JSON.stringify(l)).join(' or ')}${confidence(conf)} on ${streams}${frame !== null && frame !== undefined ? ` (frame ${frame})` : ''}${said} — ${where} — ${record.id.slice(0, 8)}`;
}

export interface LineWriter {
  write(chunk: string): unknown;
}

export class StdoutSink implements Sink {
  readonly name = 'stdout';
  readonly kind = 'stdout' as const;
  readonly target = 'stdout';

  constructor(
    private readonly out: LineWriter,
    private readonly format: 'text' | 'json' = 'text',
  ) {}

  async deliver(record: EventRecord): Promise<void> {
    this.out.write(`${this.format === 'json' ? JSON.stringify(record) : formatEventLine(record)}\n`);
  }

  async close(): Promise<void> {}
}
