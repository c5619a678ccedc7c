import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BuiltinModelError } from './errors.js';
import { WorkerPool } from './worker-pool.js';

/** A small worker speaking the pool's messages; its input says how to behave. */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.load === 'fails') parentPort.postMessage({ kind: 'load-failed', reason: 'no weights here' });
else if (workerData.load === 'dies') process.exit(3);
else {
  parentPort.on('message', ({ id, input }) => {
    if (input === 'throw') throw new Error('boom');
    if (input === 'exit') process.exit(7);
    if (input === 'fail') return parentPort.postMessage({ kind: 'failed', id, reason: 'bad input' });
    const answer = () => parentPort.postMessage({ kind: 'done', id, output: { doubled: input * 2, threadId: require('node:worker_threads').threadId } });
    if (input === 21) setTimeout(answer, 100); else answer();
  });
  parentPort.postMessage({ kind: 'ready' });
}
`;

type Output = { doubled: number; threadId: number };
let pool: WorkerPool<number | string, Output> | undefined;
const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function makePool(options: { load?: 'fails' | 'dies'; size?: number; maxQueued?: number } = {}) {
  pool = new WorkerPool<number | string, Output>({
    name: 'builtin/test',
    size: options.size ?? 1,
    maxQueued: options.maxQueued ?? 16,
    spawn: () => new Worker(WORKER_CODE, { eval: true, workerData: { load: options.load } }),
    logger,
  });
  return pool;
}

afterEach(async () => {
  await pool?.close();
  vi.clearAllMocks();
});

describe('WorkerPool', () => {
  it('queues jobs until a worker is ready and answers each one', async () => {
    const workers = makePool({ size: 2 });
    expect(workers.state).toBe('loading');
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => workers.run(n)));
    expect(answers.map((a) => a.doubled)).toEqual([2, 4, 6, 8, 10]);
    expect(workers.state).toBe('ready');
  });

  it('fails only the job whose worker died, and replaces the worker', async () => {
    for (const crash of ['throw', 'exit']) {
      const workers = makePool();
      const before = await workers.run(1);
      const failure = workers.run(crash);
      await expect(failure).rejects.toBeInstanceOf(BuiltinModelError);
      await expect(failure).rejects.toThrow(/builtin\/test worker stopped while working on this request .*replaced/);
      const after = await workers.run(2);
      expect(after.doubled).toBe(4);
      expect(after.threadId).not.toBe(before.threadId);
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('starting a replacement'));
      await workers.close();
    }
  });

  it('passes a job failure on and keeps the worker', async () => {
    const workers = makePool();
    const before = await workers.run(1);
    await expect(workers.run('fail')).rejects.toThrow('bad input');
    expect((await workers.run(3)).threadId).toBe(before.threadId);
  });

  it('becomes unavailable, with the reason, when a worker cannot load', async () => {
    for (const [load, reason] of [
      ['fails', 'no weights here'],
      ['dies', 'its worker stopped while loading: it exited with code 3'],
    ] as const) {
      const workers = makePool({ load });
      const failure = workers.run(1);
      await expect(failure).rejects.toMatchObject({ status: 503, code: 'model_unavailable' });
      await expect(failure).rejects.toThrow(`builtin/test is unavailable: ${reason}`);
      expect(workers.state).toBe('failed');
      expect(workers.failure).toBe(reason);
      await expect(workers.run(2)).rejects.toThrow(reason);
      expect(logger.error).toHaveBeenCalledWith(`builtin/test is unavailable: ${reason}`);
      await workers.close();
    }
  });

  it('refuses jobs beyond its queue with a 429', async () => {
    const workers = makePool({ maxQueued: 1 });
    await workers.run(1);
    const running = workers.run(21); // slow: keeps the only worker busy
    const waiting = workers.run(2);
    await expect(workers.run(3)).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    // A request's jobs are admitted together or not at all.
    const refused = workers.runAll([{ input: 4 }, { input: 5 }]);
    await expect(Promise.all(refused)).rejects.toThrow('builtin/test is busy: 1 frames are waiting and at most 1 may');
    await Promise.allSettled(refused);
    expect((await running).doubled).toBe(42);
    expect((await waiting).doubled).toBe(4);
  });

  it('drops a waiting job whose request was aborted', async () => {
    const workers = makePool();
    await workers.run(1);
    const running = workers.run(21);
    const controller = new AbortController();
    const waiting = workers.run(2, [], controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow('builtin/test: the request was aborted');
    expect((await running).doubled).toBe(42);
  });

  it('rejects what is pending when closed', async () => {
    const workers = makePool();
    const pending = expect(workers.run(1)).rejects.toThrow('builtin/test is unavailable: it has been shut down');
    await workers.close();
    await pending;
    expect(workers.state).toBe('closed');
  });
});
