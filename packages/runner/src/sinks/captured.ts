/** A sink replaced for a replay: every delivery succeeds at once, goes nowhere, and is counted by the dispatcher. */
import type { EventRecord } from '../events.js';
import type { Sink } from './sink.js';

export class CapturedSink implements Sink {
  readonly target = '(captured)';

  constructor(
    readonly name: string,
    readonly kind: Exclude<Sink['kind'], 'stdout'>,
  ) {}

  async deliver(_record: EventRecord, _signal: AbortSignal): Promise<void> {}

  async close(): Promise<void> {}
}
