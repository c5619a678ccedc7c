/** A JSONL file sink: one line per event, appended and flushed per event. */
import type { EventRecord } from '../events.js';
import { JsonlAppender } from '../events.js';
import { SinkError, type Sink } from './sink.js';

export class FileSink implements Sink {
  readonly kind = 'file' as const;
  readonly #file: JsonlAppender;

  constructor(
    readonly name: string,
    readonly target: string,
  ) {
    // Opened before the run to check the path; a file it created and never wrote to is removed.
    this.#file = new JsonlAppender(target, true);
  }

  open(): Promise<void> {
    return this.#file.open();
  }

  async deliver(record: EventRecord): Promise<void> {
    try {
      await this.#file.append(record);
    } catch (error) {
      throw new SinkError(`cannot append to ${this.target}: ${(error as Error).message}`, true);
    }
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}
