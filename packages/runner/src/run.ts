/**
 * The orchestrator: `run(ir, options)` checks everything it can before touching the network
 * (IR, bindings, model remaps, sinks), then sets up the backend and streams, schedules the
 * watches and runs until stopped, until `duration` has passed, or until every stream has ended.
 * Stopping is graceful: no new ticks, calls in flight get `graceMs` to finish (then are
 * cancelled), sinks are flushed (what cannot be delivered is dead-lettered), created streams are
 * deleted and the embedded server is closed.
 */
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { indexGraph, PipelineIr, type GraphIndex } from '@ovs/ir';
import { EventFlow } from './actions.js';
import { ChatClient } from './backend/chat.js';
import { chooseBackend, type BackendChoice } from './backend/choose.js';
import { startEmbeddedServer, type EmbeddedServer } from './backend/embedded.js';
import type { HttpOptions } from './backend/http.js';
import { backendProblem } from './backend/http-error.js';
import { listModels } from './backend/models-api.js';
import { StreamsApi } from './backend/streams-api.js';
import { HttpTransport } from './backend/transport.js';
import { planStreams, type StreamPlan } from './bindings.js';
import { Budgets } from './budgets.js';
import { ModelCaller, type ModelEntry } from './calls.js';
import { RealClock, type Clock, type Timer } from './clock.js';
import { Broadcast, TypedEmitter } from './emitter.js';
import { describeError, RunError } from './errors.js';
import { Escalator } from './escalation.js';
import { InFlight } from './in-flight.js';
import { JsonlAppender, type EventRecord } from './events.js';
import { CallLimits } from './limits.js';
import { ModelCounter, RecentSamples, type EventCounts, type ModelMetrics, type SampleSummary, type WatchMetrics } from './metrics.js';
import { DEFAULTS, retryPolicy, silentLogger, type Logger, type RunOptions } from './options.js';
import { Scheduler } from './scheduler.js';
import { createSinks, Dispatcher, type SinkStats } from './sinks/index.js';
import { StreamManager, type BoundStream } from './streams.js';
import { redactUrl } from './redact.js';
import { dailyWindow } from './time-of-day.js';
import { WatchRunner, type AnswerRecord } from './watch.js';

export type StatusKind =
  | 'starting'
  | 'backend'
  | 'stream_created'
  | 'stream_verified'
  | 'started'
  | 'stream_ended'
  | 'watch_finished'
  | 'model_failing'
  | 'model_recovered'
  | 'budget_spent'
  | 'stopping'
  | 'stopped';

export interface StatusUpdate {
  time: string;
  kind: StatusKind;
  message: string;
  data?: Record<string, unknown>;
}

/** Something went wrong that the run survives (it keeps running). */
export interface RunIssue {
  time: string;
  scope: 'model' | 'stream' | 'sink' | 'event_log' | 'watch' | 'run';
  message: string;
  model?: string;
  stream?: string;
  sink?: string;
  watch?: string;
}

export interface RunEventMap {
  event: EventRecord;
  answer: AnswerRecord;
  error: RunIssue;
  status: StatusUpdate;
}

export interface StreamMetrics {
  name: string;
  id: string;
  created: boolean;
  state: 'active' | 'ended';
  lastFrameIndex: number | null;
}

export interface RunMetrics {
  startedAt: string | null;
  uptimeMs: number;
  callsInFlight: number;
  /** Calls waiting for a slot of the pipeline's concurrency limit. */
  callsQueued: number;
  eventFlowsInFlight: number;
  /** How late ticks ran after their scheduled time: the run's last 512 ticks, all watches together (mean and max over the whole run). */
  tickLatenessMs: SampleSummary;
  watches: Record<string, WatchMetrics>;
  models: Record<string, ModelMetrics>;
  events: EventCounts;
  sinks: Record<string, SinkStats>;
  streams: Record<string, StreamMetrics>;
}

export interface RunInfo {
  backend: { kind: BackendChoice['kind']; url: string };
  streams: Array<{ name: string; id: string; created: boolean; source?: { type: string; url: string } }>;
  watches: string[];
  eventsFile?: string;
  deadLetterFile: string;
}

export type StopReason = 'stopped' | 'duration' | 'ended' | 'aborted';

export interface RunSummary {
  reason: StopReason;
  startedAt: string | null;
  endedAt: string;
  durationMs: number;
  backend: { kind: BackendChoice['kind']; url: string | undefined };
  events: EventCounts;
  /** Deliveries that ended in the dead-letter file, per sink and in total. */
  deadLettered: number;
  /** Deliveries that could not even be dead-lettered (each was also reported as an error). */
  undelivered: number;
  /** Calls cancelled because they did not finish within the grace period. */
  cancelledOnStop: boolean;
  eventsFile?: string;
  deadLetterFile: string;
  /** Streams given up on (a source that never produced a frame), then problems met while stopping (e.g. a stream that could not be deleted). */
  problems: string[];
  metrics: RunMetrics;
}

export interface RunHandle {
  /** Every event record (fired, then confirmed/rejected/failed), from the moment of iteration; ends when the run ends. */
  readonly events: AsyncIterable<EventRecord>;
  on<K extends keyof RunEventMap>(name: K, listener: (value: RunEventMap[K]) => void): () => void;
  off<K extends keyof RunEventMap>(name: K, listener: (value: RunEventMap[K]) => void): void;
  metrics(): RunMetrics;
  /**
   * Stops gracefully; resolves with the summary. Calling it again while stopping with
   * `{ graceMs: 0 }` cancels whatever is still in flight at once (the CLI's second signal).
   */
  stop(options?: { graceMs?: number }): Promise<RunSummary>;
  /** Resolves when the backend and streams are set up and the watches are scheduled; rejects with a RunError when setup fails. */
  readonly ready: Promise<RunInfo>;
  /** Resolves with the summary when the run ends (stopped, duration over, or every stream ended); rejects with a RunError when setup fails. */
  readonly done: Promise<RunSummary>;
  /**
   * Resolves once no request to the backend is in flight and the work their answers started has
   * gone as far as it can without the clock: the moment a replay may move its VirtualClock on.
   */
  idle(): Promise<void>;
}

/** Runs a pipeline IR (validated here) against a backend. Throws a RunError at once for problems found before starting. */
export function run(ir: PipelineIr | unknown, options: RunOptions = {}): RunHandle {
  return new Run(ir, options);
}

function validateIr(ir: unknown): PipelineIr {
  const parsed = PipelineIr.safeParse(ir);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 10)
    .map((i) => `  ${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('\n');
  throw new RunError('invalid_ir', `the pipeline IR is not valid (compile the .ovs file with "ovs compile" to get one):\n${issues}`);
}

function checkGraph(graph: GraphIndex): void {
  const problems: string[] = [];
  for (const w of graph.watches) {
    if (graph.watchStreams(w.id).length === 0) problems.push(`watch ${w.id} looks at no stream`);
    if (graph.modelsOf(w.id).length === 0) problems.push(`watch ${w.id} has no model`);
    if (w.schedule) {
      try {
        dailyWindow(w.schedule.from, w.schedule.to);
      } catch (error) {
        problems.push(`watch ${w.id}: ${describeError(error)}`);
      }
    }
  }
  for (const n of graph.ir.nodes) {
    if (n.type === 'escalation' && graph.modelsOf(n.id).length === 0) problems.push(`escalation ${n.id} has no model`);
    if (n.type === 'notify' && !graph.sinkOf(n.id)) problems.push(`notify ${n.id} has no sink`);
    if (n.type === 'trigger' && !graph.watchOf(n.id)) problems.push(`trigger ${n.id} belongs to no watch`);
  }
  if (problems.length > 0) throw new RunError('invalid_ir', `the pipeline IR is incomplete:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

function remapModels(graph: GraphIndex, modelMap: Record<string, string>): Map<string, string> {
  const names = new Set(graph.models.map((m) => m.name));
  const unknown = Object.keys(modelMap).filter((n) => !names.has(n));
  if (unknown.length > 0) {
    throw new RunError('unknown_model', `--model ${unknown.join(', ')}: the pipeline uses no model of that name (its models: ${[...names].join(', ') || '(none)'})`);
  }
  for (const [name, id] of Object.entries(modelMap)) {
    if (!id.trim()) throw new RunError('unknown_model', `--model ${name}= needs a model id, e.g. --model ${name}=builtin/motion`);
  }
  return new Map(graph.models.map((m) => [m.id, modelMap[m.name] ?? m.model]));
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function deadLetterPath(options: RunOptions, cwd: string): string {
  if (options.deadLetterFile) return path.resolve(cwd, options.deadLetterFile);
  if (options.eventsFile) return path.resolve(cwd, options.eventsFile).replace(/(\.jsonl)?$/, '.deadletter.jsonl');
  return path.resolve(cwd, 'ovs-deadletter.jsonl');
}

/** The deepest directory holding every local file the run reads (the embedded server's media root). */
function commonDirectory(files: string[], fallback: string): string {
  if (files.length === 0) return fallback;
  let common = path.dirname(files[0]!);
  for (const file of files.slice(1)) {
    while (!(file === common || file.startsWith(common.endsWith(path.sep) ? common : common + path.sep))) {
      const parent = path.dirname(common);
      if (parent === common) break;
      common = parent;
    }
  }
  return common;
}

/** Connections kept beyond the pipeline's concurrency, for stream requests (status polls, keepalives, deletes). */
const STREAM_REQUEST_SOCKETS = 64;

interface StopRequest {
  reason: StopReason;
}

class Run implements RunHandle {
  readonly events: AsyncIterable<EventRecord>;
  readonly ready: Promise<RunInfo>;
  readonly done: Promise<RunSummary>;

  readonly #options: RunOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #graph: GraphIndex;
  readonly #backend: BackendChoice;
  readonly #plans: StreamPlan[];
  readonly #modelIds: Map<string, string>;
  readonly #cwd: string;
  readonly #deadLetterFile: string;
  readonly #emitter: TypedEmitter<RunEventMap>;
  readonly #broadcast = new Broadcast<EventRecord>();
  readonly #abort = new AbortController();
  readonly #dispatcher: Dispatcher;
  readonly #log: JsonlAppender | undefined;
  readonly #models = new Map<string, ModelEntry>();
  readonly #runners: WatchRunner[] = [];
  readonly #scheduler: Scheduler;
  readonly #lateness = new RecentSamples();
  readonly #inFlight = new InFlight();

  #streams: StreamManager | undefined;
  #flow: EventFlow | undefined;
  #limits: CallLimits | undefined;
  #server: EmbeddedServer | undefined;
  #transport: HttpTransport | undefined;
  #backendUrl: string | undefined;
  #startedAt: number | undefined;
  #durationTimer: Timer | undefined;
  #undelivered = 0;
  /** Streams the run gave up on (they never produced a frame): reported in the summary. */
  readonly #streamProblems: string[] = [];
  #requestStop!: (request: StopRequest) => void;
  readonly #stopRequested: Promise<StopRequest>;
  #cutGrace: (() => void) | undefined;
  #graceCut = false;
  #resolveReady!: (info: RunInfo) => void;

  constructor(ir: unknown, options: RunOptions) {
    this.#options = options;
    this.#clock = options.clock ?? new RealClock();
    this.#logger = options.logger ?? silentLogger;
    this.#cwd = path.resolve(options.cwd ?? process.cwd());
    const pipeline = validateIr(ir);
    this.#graph = indexGraph(pipeline);
    checkGraph(this.#graph);
    this.#modelIds = remapModels(this.#graph, options.modelMap ?? {});
    this.#backend = chooseBackend(options.backend, options.env ?? process.env);
    if (this.#backend.url !== undefined && !isHttpUrl(this.#backend.url)) {
      throw new RunError('invalid_options', `the backend "${redactUrl(this.#backend.url)}" is not an http(s) URL; give a base URL like http://127.0.0.1:8080/v1`);
    }
    const sourceFile = pipeline.source?.file;
    this.#plans = planStreams(this.#graph, {
      bindings: options.bindings ?? {},
      canReadLocalFiles: this.#backend.kind !== 'hosted',
      absoluteFiles: this.#backend.kind === 'embedded',
      cwd: this.#cwd,
      sourceDir: sourceFile ? path.dirname(path.resolve(this.#cwd, sourceFile)) : this.#cwd,
    });
    for (const [label, value] of [['callTimeoutMs', options.callTimeoutMs], ['duration', options.duration], ['graceMs', options.graceMs]] as const) {
      if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new RunError('invalid_options', `${label} must be a number of ms >= 0 (got ${String(value)})`);
    }

    this.#emitter = new TypedEmitter<RunEventMap>((error) => this.#logger.error(`a listener threw: ${describeError(error)}`));
    this.events = this.#broadcast;
    const stdout = options.stdout === false ? { write: () => true } : (options.stdout ?? process.stdout);
    this.#deadLetterFile = deadLetterPath(options, this.#cwd);
    const retry = retryPolicy(options.retry);
    this.#dispatcher = new Dispatcher(
      createSinks(this.#graph.sinks, { clock: this.#clock, stdout, stdoutFormat: options.stdoutFormat ?? 'text', cwd: this.#cwd, capture: options.captureSinks === true }),
      {
        clock: this.#clock,
        retry,
        deadLetterFile: this.#deadLetterFile,
        onUndelivered: (letter, deadLettered) => {
          if (!deadLettered) this.#undelivered++;
          this.#issue({
            scope: 'sink',
            sink: letter.sink,
            message: deadLettered
              ? `event ${letter.event.id} could not be delivered to ${letter.sink} (${letter.error}); it is in ${this.#deadLetterFile}`
              : `event ${letter.event.id} could not be delivered to ${letter.sink} (${letter.error}) nor written to ${this.#deadLetterFile}; it is in the event log`,
          });
        },
      },
    );
    this.#log = options.eventsFile ? new JsonlAppender(path.resolve(this.#cwd, options.eventsFile)) : undefined;
    this.#scheduler = new Scheduler(this.#clock, {
      onTick: (_watch, _at, latenessMs) => this.#lateness.add(latenessMs),
      onError: (watch, error) => this.#issue({ scope: 'watch', watch, message: `watch ${watch}: ${describeError(error)}` }),
    });

    // Backoff waits, stream requests and escalation waits listen on it; many at a time is normal.
    setMaxListeners(0, this.#abort.signal);
    this.#stopRequested = new Promise<StopRequest>((resolve) => (this.#requestStop = resolve));
    this.ready = new Promise<RunInfo>((resolve) => (this.#resolveReady = resolve));
    this.done = this.#main();
    // Setup errors reach whoever awaits `done`/`ready`; never an unhandled rejection.
    this.done.catch(() => {});
    this.ready = Promise.race([this.ready, this.done.then(() => new Promise<never>(() => {}))]);
    this.ready.catch(() => {});
    if (options.signal) {
      if (options.signal.aborted) this.#requestStop({ reason: 'aborted' });
      else options.signal.addEventListener('abort', () => this.#requestStop({ reason: 'aborted' }), { once: true });
    }
  }

  on<K extends keyof RunEventMap>(name: K, listener: (value: RunEventMap[K]) => void): () => void {
    return this.#emitter.on(name, listener);
  }

  off<K extends keyof RunEventMap>(name: K, listener: (value: RunEventMap[K]) => void): void {
    this.#emitter.off(name, listener);
  }

  stop(options: { graceMs?: number } = {}): Promise<RunSummary> {
    if (options.graceMs === 0) {
      this.#graceCut = true;
      this.#cutGrace?.();
    }
    this.#requestStop({ reason: 'stopped' });
    return this.done;
  }

  idle(): Promise<void> {
    return this.#inFlight.idle();
  }

  metrics(): RunMetrics {
    const now = this.#clock.now();
    const watches: Record<string, WatchMetrics> = {};
    for (const runner of this.#runners) {
      const stats = this.#scheduler.stats(runner.watch.id);
      watches[runner.watch.id] = { ...runner.metrics(), ...(stats ? { ticks: stats.ticks, skipped: stats.skipped, outside: stats.outside, inFlight: stats.inFlight } : {}) };
    }
    const models: Record<string, ModelMetrics> = {};
    for (const entry of this.#models.values()) models[entry.node.name] = entry.counter.snapshot();
    const streams: Record<string, StreamMetrics> = {};
    for (const s of this.#streams?.all() ?? []) {
      streams[s.name] = { name: s.name, id: s.id, created: s.created, state: s.state, lastFrameIndex: s.status?.last_frame_index ?? null };
    }
    return {
      startedAt: this.#startedAt === undefined ? null : new Date(this.#startedAt).toISOString(),
      uptimeMs: this.#startedAt === undefined ? 0 : now - this.#startedAt,
      callsInFlight: this.#limits?.active ?? 0,
      callsQueued: this.#limits?.queued ?? 0,
      eventFlowsInFlight: this.#flow?.active ?? 0,
      tickLatenessMs: this.#lateness.summary(),
      watches,
      models,
      events: { ...(this.#flow?.counts ?? { fired: 0, confirmed: 0, rejected: 0, failed: 0 }) },
      sinks: this.#dispatcher.stats(),
      streams,
    };
  }

  // ---------------------------------------------------------------------------------------

  async #main(): Promise<RunSummary> {
    let info: RunInfo;
    try {
      info = await this.#setup();
    } catch (error) {
      await this.#teardown();
      this.#broadcast.end();
      throw error instanceof RunError ? error : new RunError('backend_unavailable', describeError(error), { cause: error });
    }
    this.#resolveReady(info);
    const request = await this.#stopRequested;
    return this.#shutdown(request.reason);
  }

  async #setup(): Promise<RunInfo> {
    const clock = this.#clock;
    const options = this.#options;
    this.#status('starting', 'starting the run');
    if (this.#log) {
      try {
        await this.#log.open();
      } catch (error) {
        throw new RunError('event_log_failed', `cannot open the event log ${this.#log.file}: ${describeError(error)}`);
      }
    }
    try {
      await this.#dispatcher.open();
    } catch (error) {
      throw new RunError('sink_failed', describeError(error));
    }

    let url = this.#backend.url;
    let givenFetch = this.#backend.fetch;
    if (this.#backend.kind === 'embedded') {
      const files = this.#plans.flatMap((p) => (p.kind === 'source' && p.source.type === 'file' ? [p.source.url] : []));
      const mediaRoot = options.mediaRoot ? path.resolve(this.#cwd, options.mediaRoot) : commonDirectory(files, this.#cwd);
      this.#server = await startEmbeddedServer(mediaRoot);
      url = this.#server.url;
      givenFetch = this.#server.fetch;
    }
    this.#backendUrl = url!;
    this.#status('backend', `backend: ${this.#backend.kind} at ${url}`, { kind: this.#backend.kind, url });
    const retry = retryPolicy(options.retry);
    const apiKey = this.#backend.apiKey;
    const inFlight = this.#inFlight;
    const { ir } = this.#graph;
    const pipelineConcurrency = ir.limits.concurrency ?? options.concurrency?.pipeline ?? DEFAULTS.pipelineConcurrency;
    // A connection per call in flight, plus room for stream requests (status polls, keepalives).
    const fetch = givenFetch ?? (this.#transport = new HttpTransport({ maxSockets: pipelineConcurrency + STREAM_REQUEST_SOCKETS })).fetch;
    const streamsApi = new StreamsApi({ baseUrl: url!, ...(apiKey ? { apiKey } : {}), clock, retry, timeoutMs: DEFAULTS.streamRequestTimeoutMs, fetch, signal: this.#abort.signal, inFlight });
    const chat = new ChatClient({ baseUrl: url!, ...(apiKey ? { apiKey } : {}), clock, retry, timeoutMs: options.callTimeoutMs ?? DEFAULTS.callTimeoutMs, fetch, signal: this.#abort.signal, inFlight });

    await this.#checkModels({ baseUrl: url!, ...(apiKey ? { apiKey } : {}), clock, timeoutMs: DEFAULTS.streamRequestTimeoutMs, fetch, signal: this.#abort.signal });

    const streams = new StreamManager({
      // Stream requests made while stopping (deletes) must not be cancelled with the calls.
      api: streamsApi,
      closeApi: new StreamsApi({ baseUrl: url!, ...(apiKey ? { apiKey } : {}), clock, retry: { ...retry, retries: 1 }, timeoutMs: 5_000, fetch, inFlight }),
      clock,
      pollMs: options.statusPollMs ?? DEFAULTS.statusPollMs,
      onEnded: (s) => this.#streamEnded(s),
      onIssue: (s, message) => this.#issue({ scope: 'stream', stream: s.name, message: `stream ${s.name}: ${message}` }),
    });
    this.#streams = streams;
    try {
      await streams.open(this.#plans);
    } catch (error) {
      const problem = error instanceof RunError ? backendProblem(error.cause, redactUrl(url!)) : undefined;
      throw problem ? new RunError('backend_unavailable', problem) : error;
    }
    for (const s of streams.all()) {
      this.#status(s.created ? 'stream_created' : 'stream_verified', `stream ${s.name}: ${s.created ? `created ${s.id} from ${s.source?.type} ${redactUrl(s.source?.url ?? '')}` : `using ${s.id}`}`, { stream: s.name, id: s.id });
    }

    const failingAfter = options.failingAfter ?? DEFAULTS.failingAfter;
    for (const node of this.#graph.models) {
      const id = this.#modelIds.get(node.id)!;
      this.#models.set(node.id, { node, id, counter: new ModelCounter(node.name, id, failingAfter) });
    }
    const perModel = options.concurrency?.perModel;
    const modelLimits: Record<string, number> = {};
    for (const node of this.#graph.models) {
      const limit = ir.limits.modelConcurrency[node.id] ?? perModel;
      if (limit !== undefined) modelLimits[node.id] = limit;
    }
    this.#limits = new CallLimits({
      pipeline: pipelineConcurrency,
      ...(options.concurrency?.backend ? { backend: options.concurrency.backend } : {}),
      models: modelLimits,
    });
    const budgets = new Budgets(ir.limits.budgets, clock);
    const caller = new ModelCaller(chat, this.#limits, budgets, clock, {
      onFailing: (m, message) => {
        this.#status('model_failing', `model ${m.node.name} (${m.id}) keeps failing: ${message}`, { model: m.node.name });
        this.#issue({ scope: 'model', model: m.node.name, message: `model ${m.node.name} (${m.id}) failed ${m.counter.metrics.consecutiveFailures} times in a row: ${message}; the rest of the pipeline keeps running` });
      },
      onRecovered: (m) => this.#status('model_recovered', `model ${m.node.name} answers again`, { model: m.node.name }),
      onEscalationOverBudget: (m, b) =>
        this.#status('budget_spent', `an escalation to ${m.node.name} goes ahead although the budget of ${b.amount} ${b.metric} per ${b.perMs} ms is spent (budgets hold back routine watch calls only)`, { model: m.node.name }),
    });
    const modelsOf = (nodeId: string) => this.#graph.modelsOf(nodeId).map((m) => this.#models.get(m.id)!);
    const escalator = new Escalator({ caller, streams, clock, escalationWaitMs: options.escalationWaitMs ?? DEFAULTS.escalationWaitMs, signal: this.#abort.signal });
    this.#flow = new EventFlow({
      graph: this.#graph,
      clock,
      escalator,
      dispatcher: this.#dispatcher,
      log: this.#log,
      modelsOf,
      file: ir.source?.file,
      publish: (record) => {
        this.#emitter.emit('event', record);
        this.#broadcast.push(record);
      },
      onLogError: (record, error) => this.#issue({ scope: 'event_log', message: `event ${record.id}: ${describeError(error)}` }),
    });

    const backendResolves = { value: this.#backend.kind === 'hosted' ? false : undefined } as { value: boolean | undefined };
    const budgetNoticed = new Set<string>();
    const watchContext = {
      clock,
      caller,
      budgets,
      streams,
      flow: this.#flow,
      backendResolves,
      wantsAnswers: () => this.#emitter.has('answer'),
      onAnswer: (answer: AnswerRecord) => this.#emitter.emit('answer', answer),
      onFinished: (watchId: string) => {
        this.#scheduler.remove(watchId);
        this.#status('watch_finished', `watch ${watchId}: every stream it looks at has ended`, { watch: watchId });
      },
      onBudgetSpent: (watchId: string, model: ModelEntry, what: string) => {
        const key = `${watchId}/${model.node.id}`;
        if (budgetNoticed.has(key)) return;
        budgetNoticed.add(key);
        this.#status('budget_spent', `watch ${watchId}: budget of ${what} spent; routine calls to ${model.node.name} are skipped until it frees up`, { watch: watchId, model: model.node.name });
      },
    };
    for (const watch of this.#graph.watches) {
      const runner = new WatchRunner(
        watchContext,
        watch,
        this.#graph.watchStreams(watch.id).map((s) => streams.get(s.id)),
        modelsOf(watch.id),
        this.#graph.triggersOf(watch.id),
      );
      this.#runners.push(runner);
      this.#scheduler.add({
        id: watch.id,
        periodMs: watch.periodMs,
        ...(watch.schedule ? { active: dailyWindow(watch.schedule.from, watch.schedule.to) } : {}),
        run: () => runner.tick(),
      });
    }

    streams.startPolling();
    this.#startedAt = clock.now();
    this.#scheduler.start();
    if (options.duration !== undefined) {
      this.#durationTimer = clock.setTimeout(() => this.#requestStop({ reason: 'duration' }), options.duration);
    }
    const info: RunInfo = {
      backend: { kind: this.#backend.kind, url: url! },
      streams: streams.all().map((s) => ({ name: s.name, id: s.id, created: s.created, ...(s.source ? { source: { type: s.source.type, url: redactUrl(s.source.url) } } : {}) })),
      watches: this.#graph.watches.map((w) => w.id),
      ...(this.#log ? { eventsFile: this.#log.file } : {}),
      deadLetterFile: this.#deadLetterFile,
    };
    this.#status('started', `running ${info.watches.length} watch${info.watches.length === 1 ? '' : 'es'} on ${info.streams.length} stream${info.streams.length === 1 ? '' : 's'}`);
    return info;
  }

  /** A model id the backend does not serve is an error before anything starts; one not ready yet is a warning. */
  async #checkModels(http: HttpOptions): Promise<void> {
    const served = await listModels(http);
    if ('unknown' in served) {
      // The first request to the backend: an unusable one is said plainly before any stream is created.
      const problem = backendProblem(served.error, redactUrl(http.baseUrl));
      if (problem) throw new RunError('backend_unavailable', problem);
      this.#logger.info(`not checking model ids: the backend's model list is unavailable (${served.unknown})`);
      return;
    }
    const byId = new Map(served.models.map((m) => [m.id, m]));
    const missing: string[] = [];
    for (const node of this.#graph.models) {
      const id = this.#modelIds.get(node.id)!;
      const model = byId.get(id);
      if (!model) missing.push(`model ${node.name} is "${id}", which the backend does not serve; remap it with --model ${node.name}=<id>`);
      else if (model.status && model.status !== 'ready') {
        // The embedded server loads its builtin models in the background: that is all "unavailable" means there.
        const message = this.#server ? `loading model ${node.name} (${id})…` : `model ${node.name} (${id}) is ${model.status} on the backend; its calls are retried until it is ready`;
        this.#status('backend', message, { model: node.name, status: model.status });
      }
    }
    if (missing.length > 0) {
      const serves = `(the backend serves: ${served.models.map((m) => m.id).join(', ') || 'nothing'})`;
      throw new RunError('unknown_model', missing.length === 1 ? `${missing[0]} ${serves}` : `${missing.length} models are not served:\n  ${missing.join('\n  ')}\n  ${serves}`);
    }
  }

  #streamEnded(stream: BoundStream): void {
    if (stream.problem) {
      const problem = `stream ${stream.name}: ${stream.problem}`;
      this.#streamProblems.push(problem);
      this.#issue({ scope: 'stream', stream: stream.name, message: problem });
    }
    this.#status('stream_ended', `stream ${stream.name} (${stream.id}) has ${stream.problem ? 'been given up' : 'ended'}`, { stream: stream.name, id: stream.id });
    if (this.#streams?.all().every((s) => s.state === 'ended')) this.#requestStop({ reason: 'ended' });
  }

  /** Waits for `work`, at most `graceMs` (or until the grace is cut short by a second stop). True when it finished. */
  async #withinGrace(work: Promise<unknown>, graceMs: number): Promise<boolean> {
    if (this.#graceCut) return false;
    let timer: Timer | undefined;
    const cut = new Promise<false>((resolve) => {
      timer = this.#clock.setTimeout(() => resolve(false), graceMs);
      this.#cutGrace = () => resolve(false);
    });
    const finished = await Promise.race([work.then(() => true as const, () => true as const), cut]);
    timer?.cancel();
    this.#cutGrace = undefined;
    return finished;
  }

  async #shutdown(reason: StopReason): Promise<RunSummary> {
    const graceMs = this.#options.graceMs ?? DEFAULTS.graceMs;
    this.#status('stopping', `stopping (${reason})`);
    this.#scheduler.stop();
    this.#durationTimer?.cancel();
    const flow = this.#flow!;
    const inFlight = (async () => {
      await this.#scheduler.idle();
      await flow.idle();
    })();
    const finished = await this.#withinGrace(inFlight, graceMs);
    if (!finished) {
      // Cancel the calls and escalations still running; their events are recorded as failed.
      this.#abort.abort();
      await inFlight;
    }
    await this.#withinGrace(this.#dispatcher.flush(graceMs), graceMs + 1);
    await this.#dispatcher.flush(0);
    const problems = await this.#teardown();
    const summary = this.#summary(reason, !finished, [...this.#streamProblems, ...problems]);
    this.#status('stopped', `stopped (${reason}): ${summary.events.fired} fired, ${summary.events.confirmed} confirmed`);
    this.#broadcast.end();
    return summary;
  }

  /** Releases everything; safe to call after a failed setup. Returns problems met. */
  async #teardown(): Promise<string[]> {
    this.#scheduler.stop();
    this.#durationTimer?.cancel();
    if (!this.#abort.signal.aborted) this.#abort.abort();
    const problems: string[] = [];
    await this.#dispatcher.close();
    await this.#log?.close().catch((error: unknown) => problems.push(`event log: ${describeError(error)}`));
    if (this.#streams) problems.push(...(await this.#streams.close()));
    // Nothing is sent to the backend any more: no idle connection may keep the process alive.
    this.#transport?.close();
    if (this.#server) {
      await this.#server.close().catch((error: unknown) => problems.push(`embedded server: ${describeError(error)}`));
    }
    for (const p of problems) this.#issue({ scope: 'run', message: p });
    return problems;
  }

  #summary(reason: StopReason, cancelledOnStop: boolean, problems: string[]): RunSummary {
    const metrics = this.metrics();
    const now = this.#clock.now();
    return {
      reason,
      startedAt: metrics.startedAt,
      endedAt: new Date(now).toISOString(),
      durationMs: this.#startedAt === undefined ? 0 : now - this.#startedAt,
      backend: { kind: this.#backend.kind, url: this.#backendUrl },
      events: metrics.events,
      deadLettered: Object.values(metrics.sinks).reduce((sum, s) => sum + s.deadLettered, 0),
      undelivered: this.#undelivered,
      cancelledOnStop,
      ...(this.#log ? { eventsFile: this.#log.file } : {}),
      deadLetterFile: this.#deadLetterFile,
      problems,
      metrics,
    };
  }

  #status(kind: StatusKind, message: string, data?: Record<string, unknown>): void {
    this.#logger.info(message, { kind, ...data });
    this.#emitter.emit('status', { time: new Date(this.#clock.now()).toISOString(), kind, message, ...(data ? { data } : {}) });
  }

  #issue(issue: Omit<RunIssue, 'time'>): void {
    this.#logger.warn(issue.message, { scope: issue.scope });
    this.#emitter.emit('error', { time: new Date(this.#clock.now()).toISOString(), ...issue });
  }
}
