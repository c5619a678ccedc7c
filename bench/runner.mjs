// `pnpm bench runner`: the runner's scheduling and call path at scale (run
// `pnpm --filter @ovs/runner build` first: this imports the built package).
//
// A fake Overshoot-compatible backend runs in a child process (bench/_fake-backend.mjs) and
// answers every chat completion after 250 ms, every label absent (no events: the measure is the
// call path). The runner runs in this process, so this process's CPU is the runner plus its
// HTTP client; the backend's CPU is its own.
//
// Baseline: the openai client (the runner's own copy) under p-limit(512), 512 calls always
//   outstanding, sending the body a watch sends: completed calls/s. Measured in three slices
//   around the two runs of (b), so drift in the shared machine's load hits both sides alike.
// (a) 500 watches every 1 s, each on its own stream bound by id, one model, a trigger and a
//   notify each; concurrency 512 (`limit concurrency 512`). Over the measured window: calls
//   completed / calls scheduled, tick lateness p99 from the runner's metrics (it keeps its last
//   512 ticks, ~1 s at 500 ticks/s, read every second: the worst and the median of those p99s),
//   and this process's CPU per completed call.
// (b) 3,000 watches every 1 s, concurrency 512 (demand 3,000 calls/s, more than 512 calls of
//   250 ms can serve): completed calls/s, against the baseline's. Run twice.
// Each window also records the event loop delay, GC pauses, the backend's CPU and request
// counts, and the CPU other processes used meanwhile (the machine is shared).
//
// The last line printed is one JSON object with the figures.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, round } from './_stats.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const runnerRequire = createRequire(new URL('../packages/runner/package.json', import.meta.url));

let run, watchResponseFormat, buildImageRef;
try {
  ({ run, watchResponseFormat } = await import('@ovs/runner'));
  ({ buildImageRef } = await import('@ovs/protocol'));
} catch (error) {
  console.error(`bench runner: cannot load the built runner (${error.message.split('\n')[0]}); run pnpm --filter @ovs/runner build first`);
  process.exit(1);
}
// The same openai and p-limit the runner uses.
const OpenAI = runnerRequire('openai');
const { default: pLimit } = await import(pathToFileURL(runnerRequire.resolve('p-limit')).href);

const MODEL_ID = 'bench/fake-vlm';
const MODEL_PARAMS = { max_tokens: 100, temperature: 0 };
const BACKEND_DELAY_MS = 250;
const CONCURRENCY = 512;
const PERIOD_MS = 1000;
const LABELS = ['person'];
const PROMPT = 'Is any of the following happening in this image: "person"? Answer for each label.';
const A = { watches: 500, warmupMs: 3000, measureMs: 12_000, readLatenessEverySecond: true };
const B = { watches: 3000, warmupMs: 2500, measureMs: 8000, readLatenessEverySecond: false };
const B_RUNS = 2;
const BASELINE_SLICE = { warmupMs: 1000, measureMs: 4000 };
const TOTAL_LIMIT_MS = 150_000;
const STOP_GRACE_MS = 3000;
// /proc/stat counts in USER_HZ ticks, 100 per second on Linux.
const USER_HZ = 100;

// ---------------------------------------------------------------------------------------------
// Everything started is undone, whether the bench succeeds, fails or is interrupted.

let backend;
let liveHandle;
/** Set once the bench is done with the backend: its exit is then expected. */
let stopping = false;

function fail(message) {
  console.error(`bench runner: ${message}`);
  backend?.kill('SIGKILL');
  process.exit(1);
}
process.on('exit', () => backend?.kill('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    backend?.kill('SIGKILL');
    process.exit(130);
  });
}
setTimeout(() => fail(`gave up after ${TOTAL_LIMIT_MS / 1000} s (the machine may be overloaded)`), TOTAL_LIMIT_MS).unref();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sum = (values) => values.reduce((total, x) => total + x, 0);

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------
// The fake backend child

function startBackend() {
  return new Promise((resolve, reject) => {
    const child = fork(`${here}_fake-backend.mjs`, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, FAKE_MODEL: MODEL_ID, FAKE_DELAY_MS: String(BACKEND_DELAY_MS) },
    });
    backend = child;
    const timer = setTimeout(() => reject(new Error('the fake backend did not start within 10 s')), 10_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the fake backend exited early (${signal ?? `code ${code}`})`));
    });
    child.once('message', (message) => {
      clearTimeout(timer);
      if (message?.type !== 'ready') return reject(new Error(`the fake backend said ${JSON.stringify(message)} instead of ready`));
      child.on('exit', (code, signal) => {
        if (!stopping) fail(`the fake backend died during the bench (${signal ?? `code ${code}`})`);
      });
      resolve(`http://127.0.0.1:${message.port}/v1`);
    });
  });
}

/** The backend's request counts and CPU time so far. */
function backendStats() {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the fake backend did not report its stats within 5 s')), 5000);
    backend.once('message', (message) => {
      clearTimeout(timer);
      resolve(message);
    });
    backend.send({ type: 'stats' });
  });
}

// ---------------------------------------------------------------------------------------------
// A measured window: this process's CPU, GC and event loop, the backend's work, the machine's load

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** CPU time used by the whole machine so far (ms, from /proc/stat), or undefined off Linux. */
function machineBusyMs() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return ((user + nice + system + irq + softirq + steal) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

async function openWindow() {
  const backend0 = await backendStats();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const gcPauses = [];
  const gcObserver = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e) => e.duration)));
  loopDelay.enable();
  gcObserver.observe({ entryTypes: ['gc'] });
  const machine0 = machineBusyMs();
  const cpu0 = cpuMs();
  const t0 = performance.now();
  return {
    elapsedMs: () => performance.now() - t0,
    async close() {
      const cpu = cpuMs() - cpu0;
      const machine = machineBusyMs();
      const ms = performance.now() - t0;
      loopDelay.disable();
      gcObserver.disconnect();
      const backend1 = await backendStats();
      const backendCpu = backend1.cpuMs - backend0.cpuMs;
      return {
        seconds: ms / 1000,
        cpuMs: cpu,
        gcMs: sum(gcPauses),
        gcMaxPauseMs: Math.max(0, ...gcPauses),
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        backend: { chat: backend1.counts.chat - backend0.counts.chat, status: backend1.counts.status - backend0.counts.status, cpuMs: backendCpu, sockets: backend1.sockets },
        /** Cores other processes kept busy meanwhile. */
        // (The counters differ in resolution: a quiet machine may come out slightly below zero.)
        otherCores: machine0 === undefined || machine === undefined ? undefined : Math.max(0, (machine - machine0 - cpu - backendCpu) / ms),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Baseline: the bare client

/** What a watch of the pipeline below sends (same prompt, instruction, params, reference and format). */
const baselineBody = {
  ...MODEL_PARAMS,
  model: MODEL_ID,
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: `${PROMPT}\n\nAnswer with JSON only: for each of "person", an object {"present": true or false, "confidence": a number from 0 to 1}.` },
        { type: 'image_url', image_url: { url: buildImageRef('cam-0', { kind: 'frame_index', value: -1 }) } },
      ],
    },
  ],
  response_format: watchResponseFormat(LABELS),
};

/** Keeps 512 calls outstanding through p-limit(512); counts the calls completed in the measured part. */
async function baselineSlice(url) {
  const client = new OpenAI({ baseURL: url, apiKey: 'bench', maxRetries: 0, timeout: 30_000 });
  const limit = pLimit(CONCURRENCY);
  let measuring = false;
  let done = false;
  let completed = 0;
  let failures = 0;
  const worker = async () => {
    while (!done) {
      try {
        await limit(() => client.chat.completions.create(baselineBody));
        if (measuring) completed++;
      } catch (error) {
        if (++failures > 100) throw new Error(`the baseline client failed more than 100 calls (last: ${error.message})`);
      }
    }
  };
  const workers = Promise.all(Array.from({ length: CONCURRENCY }, worker));
  workers.catch(() => {});
  await sleep(BASELINE_SLICE.warmupMs);
  const window = await openWindow();
  measuring = true;
  await sleep(BASELINE_SLICE.measureMs);
  measuring = false;
  done = true;
  const measured = await window.close();
  await workers;
  return { ...measured, completed, failures };
}

// ---------------------------------------------------------------------------------------------
// The runner

/** N watches, each on its own stream (bound by id), one shared model, a trigger and a notify each. */
function pipeline(watches) {
  const nodes = [
    { id: 'model:gemma', type: 'model', name: 'gemma', model: MODEL_ID, params: MODEL_PARAMS, declared: true },
    { id: 'sink:alerts', type: 'sink', name: 'alerts', sink: 'stdout', params: {} },
  ];
  const edges = [];
  for (let i = 0; i < watches; i++) {
    const [stream, watch, trigger, notify] = [`stream:cam${i}`, `watch:${i}`, `trigger:${i}.1`, `notify:${i}.1`];
    nodes.push(
      { id: stream, type: 'stream', name: `cam${i}`, binding: { kind: 'id', streamId: `cam-${i}` } },
      { id: watch, type: 'watch', periodMs: PERIOD_MS, view: { kind: 'frame' }, prompt: PROMPT, promptDerived: true, vote: { mode: 'all' }, labels: LABELS },
      { id: trigger, type: 'trigger', labels: LABELS, k: 2, n: 3, above: 0.8, cooldownMs: 60_000 },
      { id: notify, type: 'notify' },
    );
    edges.push(
      { from: stream, to: watch, kind: 'input' },
      { from: 'model:gemma', to: watch, kind: 'model' },
      { from: watch, to: trigger, kind: 'trigger' },
      { from: trigger, to: notify, kind: 'then' },
      { from: notify, to: 'sink:alerts', kind: 'deliver' },
    );
  }
  return { version: 1, nodes, edges, limits: { modelConcurrency: {}, budgets: [] } };
}

/** Sums of the per-watch counters. */
function totals(metrics) {
  const total = { ticks: 0, skipped: 0, calls: 0, failures: 0, noFrames: 0, unreadable: 0 };
  for (const w of Object.values(metrics.watches)) for (const key of Object.keys(total)) total[key] += w[key];
  return total;
}

/** Runs `watches` watches: warm-up, then a measured window. */
async function runnerCase(url, { watches, warmupMs, measureMs, readLatenessEverySecond }) {
  const issues = [];
  const setupStart = performance.now();
  const handle = run(pipeline(watches), {
    backend: { url },
    // As `limit concurrency 512` in the .ovs file: the pipeline's gate (no backend or per-model cap).
    concurrency: { pipeline: CONCURRENCY },
    stdout: false,
    env: {},
    graceMs: STOP_GRACE_MS,
  });
  liveHandle = handle;
  handle.on('error', (issue) => issues.push(issue.message));
  await handle.ready;
  const setupMs = performance.now() - setupStart;
  await sleep(warmupMs);

  const window = await openWindow();
  const before = totals(handle.metrics());
  // The runner keeps the lateness of its last 512 ticks: at 500 ticks/s, reading it every second
  // covers every tick. At 3,000 ticks/s it covers 0.17 s, and reading the metrics of 3,000
  // watches every second would add to the load measured, so (b) reads it once, at the end.
  const latenessP99s = [];
  while (readLatenessEverySecond && window.elapsedMs() < measureMs - 1000) {
    await sleep(1000);
    latenessP99s.push(handle.metrics().tickLatenessMs.p99);
  }
  await sleep(Math.max(0, measureMs - window.elapsedMs()));
  const metrics = handle.metrics();
  const measured = await window.close();
  if (!readLatenessEverySecond) latenessP99s.push(metrics.tickLatenessMs.p99);

  const summary = await handle.stop({ graceMs: STOP_GRACE_MS });
  liveHandle = undefined;
  const after = totals(metrics);
  const d = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));
  check(d.failures === 0 && d.noFrames === 0 && d.unreadable === 0, `${watches} watches: ${d.failures} calls failed, ${d.noFrames} had no frames, ${d.unreadable} were unreadable (first issue: ${issues[0] ?? 'none'})`);
  check(summary.events.fired === 0, `${watches} watches: ${summary.events.fired} events fired, but the fake backend answers every label absent`);
  return {
    ...measured,
    watches,
    setupMs,
    completed: d.calls,
    ticks: d.ticks,
    skipped: d.skipped,
    // The ticks due in the window, or those the scheduler handled (run or skipped) if more:
    // a tick due just before the window but run late falls into it.
    scheduled: Math.max((watches * measured.seconds * 1000) / PERIOD_MS, d.ticks + d.skipped),
    latenessP99s,
    latencyP50: metrics.models.gemma.latencyMs.p50,
    queuedAtEnd: metrics.callsQueued,
  };
}

// ---------------------------------------------------------------------------------------------

/** Figures of several windows of one kind, pooled. */
function pooled(windows) {
  const seconds = sum(windows.map((w) => w.seconds));
  const completed = sum(windows.map((w) => w.completed));
  const otherCores = windows.map((w) => w.otherCores);
  return {
    seconds,
    completed,
    callsPerSecond: completed / seconds,
    each: windows.map((w) => round(w.completed / w.seconds, 1)),
    cpuMsPerCall: sum(windows.map((w) => w.cpuMs)) / completed,
    cpuShare: sum(windows.map((w) => w.cpuMs)) / (seconds * 1000),
    gcShare: sum(windows.map((w) => w.gcMs)) / (seconds * 1000),
    gcMaxPauseMs: Math.max(...windows.map((w) => w.gcMaxPauseMs)),
    loopDelayP99Ms: Math.max(...windows.map((w) => w.loopDelayP99Ms)),
    backendChatPerSecond: sum(windows.map((w) => w.backend.chat)) / seconds,
    backendStatusPerSecond: sum(windows.map((w) => w.backend.status)) / seconds,
    backendCpuShare: sum(windows.map((w) => w.backend.cpuMs)) / (seconds * 1000),
    connections: Math.max(...windows.map((w) => w.backend.sockets)),
    otherCores: otherCores.includes(undefined) ? undefined : sum(windows.map((w) => w.otherCores * w.seconds)) / seconds,
  };
}

const pct = (x) => `${round(x * 100, 1)}%`;
function describeLoad(p) {
  return (
    `this process ${pct(p.cpuShare)} of a core (GC ${pct(p.gcShare)} of the time, longest pause ${round(p.gcMaxPauseMs, 1)} ms, event loop delay p99 ${round(p.loopDelayP99Ms, 1)} ms); ` +
    `backend ${round(p.backendChatPerSecond, 0)} chat/s + ${round(p.backendStatusPerSecond, 0)} status/s, ${pct(p.backendCpuShare)} of a core, up to ${p.connections} connections open` +
    (p.otherCores === undefined ? '' : `; other processes ${round(p.otherCores, 2)} cores`)
  );
}

try {
  const loadBefore = loadavg();
  const url = await startBackend();

  const a = await runnerCase(url, A);
  const baselineSlices = [await baselineSlice(url)];
  const saturatedRuns = [];
  for (let i = 0; i < B_RUNS; i++) {
    saturatedRuns.push(await runnerCase(url, B));
    baselineSlices.push(await baselineSlice(url));
  }
  stopping = true;
  backend.kill('SIGTERM');
  const loadAfter = loadavg();

  const failures = sum(baselineSlices.map((s) => s.failures));
  check(failures === 0, `the baseline had ${failures} failed calls`);
  const baseline = pooled(baselineSlices);
  const saturated = pooled(saturatedRuns);
  const light = pooled([a]);
  // Calls completed in the window, but no more than the ticks run in it (one call per tick): when
  // the process stalled just before the window, calls of earlier ticks complete inside it.
  const achievedRatio = Math.min(a.completed, a.ticks) / a.scheduled;
  const latenessP99 = Math.max(...a.latenessP99s);
  const vsBaseline = saturated.callsPerSecond / baseline.callsPerSecond;

  console.log(`backend answers after ${BACKEND_DELAY_MS} ms; concurrency ${CONCURRENCY}; machine load (1 min) ${round(loadBefore[0], 2)} before, ${round(loadAfter[0], 2)} after`);
  console.log(
    `baseline, openai client under p-limit(${CONCURRENCY}): ${round(baseline.callsPerSecond, 1)} calls/s (slices ${baseline.each.join(', ')}), ${round(baseline.cpuMsPerCall, 3)} ms CPU per call\n` +
      `    ${describeLoad(baseline)}`,
  );
  console.log(
    `(a) ${A.watches} watches every ${PERIOD_MS / 1000} s (set up in ${round(a.setupMs, 0)} ms), over ${round(a.seconds, 1)} s: ` +
      `${a.completed} calls completed of ${round(a.scheduled, 0)} scheduled (${pct(achievedRatio)}), ${a.ticks} ticks run, ${a.skipped} skipped; ` +
      `call latency p50 ${a.latencyP50} ms; runner CPU ${round(light.cpuMsPerCall, 3)} ms per call\n` +
      `    tick lateness p99 per second: worst ${latenessP99} ms, median ${median(a.latenessP99s)} ms [${a.latenessP99s.join(', ')}]\n` +
      `    ${describeLoad(light)}`,
  );
  console.log(
    `(b) ${B.watches} watches every ${PERIOD_MS / 1000} s (set up in ${saturatedRuns.map((r) => round(r.setupMs, 0)).join(' and ')} ms), ${B_RUNS} runs over ${round(saturated.seconds, 1)} s: ` +
      `${round(saturated.callsPerSecond, 1)} calls/s (runs ${saturated.each.join(', ')}), ${round(saturated.cpuMsPerCall, 3)} ms CPU per call; ` +
      `${sum(saturatedRuns.map((r) => r.skipped))} ticks skipped (previous still in flight), ${saturatedRuns.map((r) => r.queuedAtEnd).join(' and ')} calls queued at the end; ` +
      `call latency p50 ${saturatedRuns.map((r) => r.latencyP50).join(' and ')} ms; tick lateness p99 (last 512 ticks) ${saturatedRuns.map((r) => r.latenessP99s[0]).join(' and ')} ms\n` +
      `    ${describeLoad(saturated)}`,
  );
  console.log(`(a) achieved ${round(achievedRatio, 4)} (target >= 0.98), tick lateness p99 ${latenessP99} ms (target <= 50); (b) ${round(vsBaseline, 3)}x the baseline's calls/s (target >= 0.9)`);
  console.log(
    JSON.stringify({
      bench: 'runner',
      achieved_ratio: round(achievedRatio, 4),
      lateness_p99_ms: latenessP99,
      vs_baseline: round(vsBaseline, 3),
      cpu_ms_per_call: round(light.cpuMsPerCall, 4),
      baseline_calls_per_s: round(baseline.callsPerSecond, 1),
      runner_calls_per_s: round(saturated.callsPerSecond, 1),
      baseline_cpu_ms_per_call: round(baseline.cpuMsPerCall, 4),
      saturated_cpu_ms_per_call: round(saturated.cpuMsPerCall, 4),
      lateness_p99_median_ms: median(a.latenessP99s),
      event_loop_delay_p99_ms: round(light.loopDelayP99Ms, 1),
      a_calls: a.completed,
      a_scheduled: round(a.scheduled, 0),
      gc_share: { baseline: round(baseline.gcShare, 3), a: round(light.gcShare, 3), b: round(saturated.gcShare, 3) },
      status_requests_per_s: { a: round(light.backendStatusPerSecond, 1), b: round(saturated.backendStatusPerSecond, 1) },
      backend_cpu_share: { baseline: round(baseline.backendCpuShare, 3), b: round(saturated.backendCpuShare, 3) },
      other_processes_cores: {
        baseline: baseline.otherCores === undefined ? null : round(baseline.otherCores, 2),
        a: light.otherCores === undefined ? null : round(light.otherCores, 2),
        b: saturated.otherCores === undefined ? null : round(saturated.otherCores, 2),
      },
      load_1m: [round(loadBefore[0], 2), round(loadAfter[0], 2)],
    }),
  );
  process.exit(0);
} catch (error) {
  if (liveHandle) await Promise.race([liveHandle.stop({ graceMs: 0 }).catch(() => {}), sleep(5000)]);
  fail(error instanceof Error ? error.message : String(error));
}
