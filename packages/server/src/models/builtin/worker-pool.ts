/**
 * A fixed-size pool of worker threads, each loading a model once and then running jobs one at a
 * time, so that inference never blocks the HTTP event loop. Jobs wait in a bounded queue while
 * every worker is busy (or still loading). A worker that dies is replaced, and only the job it
 * was running fails; a worker that cannot load makes the whole pool unavailable, with the reason
 * kept (loading fails the same way every time: missing files, a wasm that will not start).
 *
 * The messages, both ways:
 *   worker → pool: {kind:'ready'} once loaded, or {kind:'load-failed', reason};
 *                  then per job {kind:'done', id, output} or {kind:'failed', id, reason}
 *   pool → worker: {id, input}
 */
import { parentPort } from 'node:worker_threads';
import type { Transferable, Worker } from 'node:worker_threads';
import { BuiltinModelError, modelUnavailable } from './errors.js';

type Reply<O> =
  | { readonly kind: 'ready' }
  | { readonly kind: 'load-failed'; readonly reason: string }
  | { readonly kind: 'done'; readonly id: number; readonly output: O }
  | { readonly kind: 'failed'; readonly id: number; readonly reason: string };

interface JobMessage<I> {
  readonly id: number;
  readonly input: I;
}

export interface PoolLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface WorkerPoolOptions {
  /** The model id, used in messages. */
  readonly name: string;
  readonly size: number;
  /** Jobs that may wait for a worker; beyond this `run` fails at once with a 429. */
  readonly maxQueued: number;
  /** Starts one worker (which must speak the messages above). */
  readonly spawn: () => Worker;
  readonly logger?: PoolLogger;
}

interface Job<I, O> {
  readonly id: number;
  readonly input: I;
  readonly transfer: readonly Transferable[];
  readonly resolve: (output: O) => void;
  readonly reject: (error: Error) => void;
  readonly detach: () => void;
}

interface Slot<I, O> {
  readonly worker: Worker;
  ready: boolean;
  gone: boolean;
  job?: Job<I, O>;
}

function aborted(name: string): BuiltinModelError {
  return new BuiltinModelError(499, 'internal_error', `${name}: the request was aborted`);
}

export type PoolState = 'loading' | 'ready' | 'failed' | 'closed';

export class WorkerPool<I, O> {
  readonly #options: WorkerPoolOptions;
  readonly #slots = new Set<Slot<I, O>>();
  readonly #queue: Job<I, O>[] = [];
  #state: PoolState = 'loading';
  #failure: string | undefined;
  #nextId = 1;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
    for (let i = 0; i < Math.max(1, options.size); i += 1) this.#start();
  }

  get state(): PoolState {
    return this.#state;
  }

  /** Why the pool could not load, when `state` is 'failed'. */
  get failure(): string | undefined {
    return this.#failure;
  }

  run(input: I, transfer: readonly Transferable[] = [], signal?: AbortSignal): Promise<O> {
    return this.runAll([{ input, transfer }], signal)[0] as Promise<O>;
  }

  /**
   * Runs several jobs (a request's frames): all are admitted to the queue or none is, so a
   * request refused for lack of room leaves no work behind.
   */
  runAll(jobs: readonly { input: I; transfer?: readonly Transferable[] }[], signal?: AbortSignal): Promise<O>[] {
    const { name, maxQueued } = this.#options;
    const refusal =
      this.#state === 'failed'
        ? modelUnavailable(name, this.#failure ?? 'it failed to load')
        : this.#state === 'closed'
          ? modelUnavailable(name, 'it has been shut down')
          : this.#queue.length + jobs.length > maxQueued
            ? new BuiltinModelError(
                429,
                'rate_limited',
                `${name} is busy: ${this.#queue.length} frames are waiting and at most ${maxQueued} may; retry later`,
              )
            : signal?.aborted
              ? aborted(name)
              : undefined;
    if (refusal) return jobs.map(() => Promise.reject(refusal));
    const answers = jobs.map(({ input, transfer = [] }) => this.#enqueue(input, transfer, signal));
    this.#dispatch();
    return answers;
  }

  #enqueue(input: I, transfer: readonly Transferable[], signal?: AbortSignal): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const onAbort = () => {
        const at = this.#queue.indexOf(job);
        if (at < 0) return; // already running: its answer is simply not awaited any more
        this.#queue.splice(at, 1);
        reject(aborted(this.#options.name));
      };
      const job: Job<I, O> = {
        id: this.#nextId++,
        input,
        transfer,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(job);
    });
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#rejectAll(modelUnavailable(this.#options.name, 'it has been shut down'));
    const workers = [...this.#slots].map((slot) => slot.worker);
    this.#slots.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #start(): void {
    const slot: Slot<I, O> = { worker: this.#options.spawn(), ready: false, gone: false };
    this.#slots.add(slot);
    slot.worker.on('message', (reply: Reply<O>) => this.#onReply(slot, reply));
    slot.worker.on('error', (error: Error) => this.#lost(slot, `it threw ${error.message}`));
    slot.worker.on('exit', (code: number) => this.#lost(slot, `it exited with code ${code}`));
  }

  #onReply(slot: Slot<I, O>, reply: Reply<O>): void {
    switch (reply.kind) {
      case 'ready':
        slot.ready = true;
        slot.worker.unref(); // an idle worker must not keep the process alive
        if (this.#state === 'loading') this.#state = 'ready';
        this.#dispatch();
        return;
      case 'load-failed':
        this.#fail(reply.reason);
        return;
      case 'done':
      case 'failed': {
        const job = slot.job;
        if (!job || job.id !== reply.id) return;
        slot.job = undefined;
        slot.worker.unref();
        if (reply.kind === 'done') job.resolve(reply.output);
        else job.reject(new Error(reply.reason));
        this.#dispatch();
      }
    }
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (!slot.ready || slot.job || slot.gone) continue;
      const job = this.#queue.shift();
      if (!job) return;
      job.detach();
      slot.job = job;
      slot.worker.ref(); // a job is running: keep the process alive until it answers
      const message: JobMessage<I> = { id: job.id, input: job.input };
      slot.worker.postMessage(message, job.transfer);
    }
  }

  /** A worker stopped (crash, exit or `error` event; Node sends `exit` after `error`, so this runs once per worker). */
  #lost(slot: Slot<I, O>, reason: string): void {
    if (slot.gone) return;
    slot.gone = true;
    this.#slots.delete(slot);
    if (this.#state === 'closed' || this.#state === 'failed') return;
    const { name, logger } = this.#options;
    if (!slot.ready) {
      this.#fail(`its worker stopped while loading: ${reason}`);
      return;
    }
    slot.job?.reject(
      new BuiltinModelError(
        500,
        'internal_error',
        `${name} worker stopped while working on this request (${reason}); it has been replaced`,
      ),
    );
    logger?.warn(`${name}: a worker stopped (${reason}); starting a replacement`);
    this.#start();
  }

  #fail(reason: string): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    this.#state = 'failed';
    this.#failure = reason;
    this.#options.logger?.error(`${this.#options.name} is unavailable: ${reason}`);
    this.#rejectAll(modelUnavailable(this.#options.name, reason));
    for (const slot of this.#slots) {
      slot.gone = true;
      void slot.worker.terminate();
    }
    this.#slots.clear();
  }

  #rejectAll(error: BuiltinModelError): void {
    for (const job of this.#queue.splice(0)) {
      job.detach();
      job.reject(error);
    }
    for (const slot of this.#slots) {
      slot.job?.reject(error);
      slot.job = undefined;
    }
  }
}

/**
 * The worker side: call once in a pool worker's entry module. `load` runs once; its result
 * handles each job's input. Job failures are answered, never thrown, so the worker survives them.
 */
export function serveJobs<I, O>(
  load: () => Promise<(input: I) => Promise<{ output: O; transfer?: Transferable[] }>>,
): void {
  const port = parentPort;
  if (!port) throw new Error('serveJobs must run inside a worker thread');
  const reply = (message: Reply<O>, transfer?: Transferable[]) => port.postMessage(message, transfer);
  load().then(
    (handle) => {
      port.on('message', async ({ id, input }: JobMessage<I>) => {
        try {
          const { output, transfer } = await handle(input);
          reply({ kind: 'done', id, output }, transfer);
        } catch (error) {
          reply({ kind: 'failed', id, reason: (error as Error).message ?? String(error) });
        }
      });
      reply({ kind: 'ready' });
    },
    (error: unknown) => reply({ kind: 'load-failed', reason: (error as Error).message ?? String(error) }),
  );
}
