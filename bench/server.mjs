// `pnpm bench server`: the ovs server's speed and size, each against a baseline measured in the
// same run (run `pnpm --filter @ovs/server build` first: this imports the built package).
//
// 1. Added latency of a chat completion with one `frame_index=-1` image and with a 10 s window
//    at 1 fps (10 frames), through the server to a fake OpenAI-compatible upstream, against the
//    same upstream called directly with the same JPEGs as `data:` URLs in the very body the
//    server sends (checked byte for byte before timing). The frames are 1280x720, so with the
//    default `imageMaxSide` (1280) the server sends them unresized. The direct baseline builds
//    its body per request (base64 + JSON), as a client holding the frames would. Requests are
//    sequential, in pairs whose order alternates; both sides use Node's fetch (undici,
//    keep-alive) from this process, and the server runs in this process as the runner embeds it.
//    Added = quantile(through server) - quantile(direct).
// 2. Ingest CPU: the server (in a child process) pulling 4 copies of a 720p30 H.264 clip with
//    real-time pacing, its own CPU plus its ffmpeg children's, against the same ffmpeg command
//    line (the server's own `ffmpegArgs`) run 4 times with the frames going to /dev/null; in the
//    order baseline, server, server, baseline, summed (CPU times from /proc and cpuUsage).
// 3. Memory: a pushed 720p stream at 5 fps with 60 s retention, 2 minutes of stream time pushed
//    (so half is evicted): retained JPEG bytes per retained minute, and the RSS and ArrayBuffer
//    growth of the server process (after GC) as a cross-check.
// `--soak[=MINUTES]` (default 10) instead runs a live 5 fps stream with chat traffic for that
// long against a server child with 60 s retention, sampling its RSS every 10 s.
//
// The last line printed is one JSON object with the figures.
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAKE_CONTENT, FAKE_MODEL, startFakeUpstream } from './_fake-upstream.mjs';
import { clockTicksPerSecond, cpuTimesMs } from './_proc.mjs';
import { percentile, round } from './_stats.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

let createServer, SERVER_DEFAULTS, ffmpegArgs;
try {
  ({ createServer, SERVER_DEFAULTS } = await import('@ovs/server'));
  // The server's own ffmpeg command line, so the baseline decodes exactly as the server's ingest does.
  ({ ffmpegArgs } = await import('../packages/server/dist/ingest/ffmpeg-args.js'));
} catch (error) {
  console.error(`bench server: cannot load the built server (${error.message.split('\n')[0]}); run pnpm --filter @ovs/server build first`);
  process.exit(1);
}

const WIDTH = 1280;
const HEIGHT = 720;
const PUSH_FPS = 5;
const LATENCY_WARMUP = 30;
/** Sequential request pairs per case after the warm-up: p99 of 1000 is the 10th worst, of 300 the 3rd. */
const LATENCY_PAIRS = { image: 1000, video: 300 };
const INGEST_STREAMS = 4;
const CLIP_SECONDS = 6;
const CLIP_FPS = 30;
const RETENTION_MS = 60_000;
const MODEL_ID = 'bench/fake';
const PROMPT = 'What is happening in these frames?';
const REQUEST_TIMEOUT_MS = 15_000;

// Everything started is undone in reverse order, whether the run succeeds, fails or times out.
const cleanups = [];
let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    for (const undo of cleanups.reverse()) {
      try {
        await undo();
      } catch (error) {
        console.error(`cleanup: ${error.message}`);
      }
    }
  })();
  return cleaning;
}
function fail(message) {
  if (cleaning) return new Promise(() => {}); // already ending; later failures are its echoes
  console.error(`bench server: ${message}`);
  void Promise.race([cleanup(), new Promise((resolve) => setTimeout(resolve, 8000).unref())]).then(() => process.exit(1));
  return new Promise(() => {}); // never resolves: the process is ending
}
const soakArg = process.argv.slice(2).find((a) => a === '--soak' || a.startsWith('--soak='));
const soakMinutes = soakArg === undefined ? 0 : soakArg === '--soak' ? 10 : Number(soakArg.slice('--soak='.length));
const badArg = process.argv.slice(2).find((a) => a !== soakArg);
if (badArg !== undefined || (soakArg !== undefined && !(soakMinutes >= 1 && soakMinutes <= 120))) {
  console.error(`bench server: ${badArg !== undefined ? `unknown argument ${badArg}` : `${soakArg}: the soak lasts 1 to 120 minutes`}; usage: pnpm bench server [--soak[=MINUTES]]`);
  process.exit(2);
}
/** The whole run is stopped past this: the default mode takes about a minute. */
const HARD_LIMIT_MS = soakMinutes > 0 ? (soakMinutes * 60 + 180) * 1000 : 240_000;
setTimeout(() => fail(`did not finish within ${HARD_LIMIT_MS / 1000} s; something is stuck`), HARD_LIMIT_MS);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => fail(`interrupted (${signal})`));

const workDir = mkdtempSync(path.join(tmpdir(), 'ovs-bench-server-'));
cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Media

function ffmpegSync(args, what) {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
  if (result.error) throw new Error(`ffmpeg could not run making ${what} (${result.error.message}); install ffmpeg`);
  if (result.status !== 0) throw new Error(`ffmpeg failed making ${what}: ${result.stderr.toString().trim().slice(-600)}`);
  return result.stdout;
}

/** 20 distinct 720p JPEGs as the server's ingest encodes them (MJPEG, its default quality), with light sensor-like noise. */
function makeFrames() {
  const data = ffmpegSync(
    ['-f', 'lavfi', '-i', `testsrc2=size=${WIDTH}x${HEIGHT}:rate=10`, '-vf', 'noise=alls=8:allf=t', '-frames:v', '20', '-c:v', 'mjpeg', '-q:v', String(SERVER_DEFAULTS.jpegQuality), '-f', 'image2pipe', 'pipe:1'],
    '720p JPEG frames',
  );
  // ffmpeg's MJPEG encoder writes baseline JPEGs back to back (no thumbnails): each ends at FF D9.
  const frames = [];
  for (let start = 0, end; (end = data.indexOf(Buffer.from([0xff, 0xd9]), start)) !== -1; start = end + 2) frames.push(data.subarray(start, end + 2));
  if (frames.length !== 20) throw new Error(`expected 20 JPEG frames from ffmpeg, got ${frames.length}`);
  return frames;
}

function makeClip() {
  const file = path.join(workDir, 'clip.mp4');
  ffmpegSync(
    ['-y', '-f', 'lavfi', '-i', `testsrc2=size=${WIDTH}x${HEIGHT}:rate=${CLIP_FPS}:duration=${CLIP_SECONDS}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', String(CLIP_FPS * 2), file],
    'the 720p30 test clip',
  );
  return file;
}

// ---------------------------------------------------------------------------------------------
// HTTP

async function request(url, { method = 'GET', body, headers = {} } = {}) {
  const init = { method, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
  if (body !== undefined) {
    init.body = Buffer.isBuffer(body) ? body : JSON.stringify(body);
    init.headers = { 'content-type': Buffer.isBuffer(body) ? 'image/jpeg' : 'application/json', ...headers };
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new Error(`${method} ${url} failed: ${error.cause?.code ?? error.message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered HTTP ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** Pushes JPEGs to a stream; remembers which JPEG got which frame index (to rebuild what the server sends). */
class Pusher {
  constructor(api, streamId, frames) {
    this.url = `${api}/streams/${streamId}/frames`;
    this.frames = frames;
    this.pushed = 0;
    this.byIndex = new Map();
    this.timer = undefined;
    this.running = undefined;
    this.error = undefined;
  }

  async push(captureTsMs) {
    const jpeg = this.frames[this.pushed % this.frames.length];
    this.pushed += 1;
    const answer = await request(`${this.url}?capture_ts_ms=${Math.round(captureTsMs)}`, { method: 'POST', body: jpeg });
    this.byIndex.set(answer.index, jpeg);
    this.byIndex.delete(answer.index - 2000);
    return answer;
  }

  /** Pushes one frame every 1/fps s stamped with the wall clock, until `stop()`. */
  startLive(fps) {
    const period = 1000 / fps;
    let next = performance.now();
    const tick = async () => {
      try {
        await this.push(Date.now());
      } catch (error) {
        this.error = error;
        return;
      }
      next += period;
      this.timer = setTimeout(() => (this.running = tick()), Math.max(0, next - performance.now()));
    };
    this.running = tick();
  }

  async stop() {
    clearTimeout(this.timer);
    await this.running;
  }

  jpeg(index) {
    const jpeg = this.byIndex.get(index);
    if (!jpeg) throw new Error(`the server resolved frame ${index}, which this benchmark did not push (or no longer remembers)`);
    return jpeg;
  }
}

function chatBody(kind, url) {
  const part = kind === 'image' ? { type: 'image_url', image_url: { url } } : { type: 'video_url', video_url: { url } };
  return JSON.stringify({ model: MODEL_ID, messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }, part] }], max_tokens: 16 });
}

/** The body the server sends upstream for the same request: each frame a base64 `data:` URL, in order. */
function directBody(jpegs) {
  const images = jpegs.map((jpeg) => ({ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg.toString('base64')}` } }));
  return JSON.stringify({ model: FAKE_MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }, ...images] }], stream: false, max_tokens: 16 });
}

/**
 * POSTs the body `makeBody()` builds and reads the JSON answer. `ms` is the wall time of building,
 * sending and reading; `cpuMs` the CPU this process (client, server and upstream alike, every
 * thread) spent meanwhile, which unlike wall time does not count waiting for a busy machine.
 */
async function timedPost(url, makeBody) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: makeBody(), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const json = await response.json();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (!response.ok) throw new Error(`POST ${url} answered HTTP ${response.status}: ${JSON.stringify(json).slice(0, 500)}`);
  if (json.choices?.[0]?.message?.content !== FAKE_CONTENT) throw new Error(`POST ${url}: unexpected answer ${JSON.stringify(json).slice(0, 300)}`);
  return { ms, cpuMs, json };
}

// ---------------------------------------------------------------------------------------------
// 1. Added latency

async function measureLatency(frames) {
  const fake = await startFakeUpstream();
  cleanups.push(() => fake.close());
  const server = await createServer({ upstreams: { [MODEL_ID]: { baseUrl: fake.baseUrl, model: FAKE_MODEL } }, builtinModels: false, retention: { durationMs: RETENTION_MS } });
  cleanups.push(() => server.close());
  const api = `${server.url}/v1`;
  const { id } = await request(`${api}/streams`, { method: 'POST' });
  const pusher = new Pusher(api, id, frames);
  cleanups.push(() => pusher.stop());
  // 12 s of history at once (capture times in the past), then live frames at 5 fps.
  const start = Date.now();
  for (let i = 0; i < 12 * PUSH_FPS; i++) await pusher.push(start - 12_000 + (i * 1000) / PUSH_FPS);
  pusher.startLive(PUSH_FPS);

  const chatUrl = `${api}/chat/completions`;
  const directUrl = `${fake.baseUrl}/chat/completions`;
  const frameRef = `ovs://streams/${id}?frame_index=-1`;
  const windowRef = `ovs://streams/${id}?start_offset_ms=-10000&max_fps=1`;

  async function throughServer(kind, ref) {
    const { ms, cpuMs, json } = await timedPost(chatUrl, () => chatBody(kind, ref));
    const resolved = json.ovs_resolved?.[0]?.frames;
    if (!Array.isArray(resolved) || resolved.length === 0) throw new Error(`the server's answer has no ovs_resolved frames: ${JSON.stringify(json).slice(0, 300)}`);
    return { ms, cpuMs, jpegs: resolved.map((f) => pusher.jpeg(f.index)) };
  }

  /** Checks that the direct baseline sends byte for byte what the server sent upstream. */
  async function checkSameBody(kind, ref) {
    fake.state.keepBodies = true;
    const { jpegs } = await throughServer(kind, ref);
    const viaServer = fake.state.lastBody;
    await timedPost(directUrl, () => directBody(jpegs));
    const direct = fake.state.lastBody;
    fake.state.keepBodies = false;
    if (!viaServer.equals(direct)) {
      let at = 0;
      while (at < Math.min(viaServer.length, direct.length) && viaServer[at] === direct[at]) at++;
      throw new Error(
        `the direct baseline does not send what the server sends upstream (${kind}: ${viaServer.length} vs ${direct.length} bytes, first difference at byte ${at}: ` +
          `server ${JSON.stringify(viaServer.subarray(at, at + 80).toString())} vs baseline ${JSON.stringify(direct.subarray(at, at + 80).toString())}); update directBody()`,
      );
    }
    return viaServer.length;
  }

  async function compare(kind, ref) {
    const upstreamBodyBytes = await checkSameBody(kind, ref);
    const server = [];
    const direct = [];
    const frameCounts = [];
    let jpegs;
    for (let i = 0; i < LATENCY_WARMUP + LATENCY_PAIRS[kind]; i++) {
      if (pusher.error) throw new Error(`pushing frames failed: ${pusher.error.message}`);
      let a;
      let b;
      // Alternate which goes first, so neither side always follows the other's garbage.
      if (i % 2 === 0 || jpegs === undefined) {
        a = await throughServer(kind, ref);
        b = await timedPost(directUrl, () => directBody(a.jpegs));
      } else {
        const previous = jpegs;
        b = await timedPost(directUrl, () => directBody(previous));
        a = await throughServer(kind, ref);
      }
      jpegs = a.jpegs;
      if (i >= LATENCY_WARMUP) {
        server.push(a);
        direct.push(b);
        frameCounts.push(jpegs.length);
      }
    }
    const stats = (xs, key) => ({ p50: percentile(xs.map((x) => x[key]), 50), p99: percentile(xs.map((x) => x[key]), 99) });
    const minus = (x, y) => ({ p50: x.p50 - y.p50, p99: x.p99 - y.p99 });
    const s = stats(server, 'ms');
    const d = stats(direct, 'ms');
    const sCpu = stats(server, 'cpuMs');
    const dCpu = stats(direct, 'cpuMs');
    return {
      server: s,
      direct: d,
      added: minus(s, d),
      serverCpu: sCpu,
      directCpu: dCpu,
      addedCpu: minus(sCpu, dCpu),
      frames: frameCounts.reduce((x, y) => x + y, 0) / frameCounts.length,
      upstreamBodyBytes,
    };
  }

  const frame = await compare('image', frameRef);
  const window = await compare('video', windowRef);
  await pusher.stop();
  if (pusher.error) throw new Error(`pushing frames failed: ${pusher.error.message}`);
  await server.close(); // idle or not, it has no business in the later measurements
  await fake.close();
  return { frame, window };
}

// ---------------------------------------------------------------------------------------------
// Server child process (CPU and memory measured apart from this process)

async function startServerChild(options, { exposeGc = false } = {}) {
  const child = fork(path.join(here, '_server-child.mjs'), [JSON.stringify({ ...options, ticksPerSecond })], {
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    execArgv: exposeGc ? ['--expose-gc'] : [],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => (stderr = (stderr + text).slice(-2000)));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      if (child.connected) child.send({ type: 'close' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
  cleanups.push(stop);
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server child did not start within 20 s')), 20_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message);
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server child exited (${signal ?? code}) before listening: ${stderr.trim().slice(-1000)}`));
    });
  });
  const sample = (gc = false) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server child did not answer a sample request within 10 s')), 10_000);
      child.once('message', (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      exited.then(({ code, signal }) => reject(new Error(`the server child exited (${signal ?? code}): ${stderr.trim().slice(-1000)}`)));
      child.send({ type: 'sample', gc });
    });
  return { api: `${ready.url}/v1`, sample, stop };
}

// ---------------------------------------------------------------------------------------------
// 2. Ingest CPU

/** Runs ffmpeg to completion, stdout to /dev/null; rejects with its last words if it fails. */
function runFfmpeg(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const kill = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
    cleanups.push(kill);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => (stderr = (stderr + text).slice(-2000)));
    child.once('error', (error) => reject(new Error(`ffmpeg could not start: ${error.message}`)));
    // The MJPEG encoder's setup warning says nothing about a failure.
    const lastWords = () => stderr.split('\n').filter((line) => line.trim() && !/deprecated pixel format/.test(line)).slice(-6).join('\n');
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`baseline ffmpeg exited (${signal ?? code}): ${lastWords()}`));
    });
  });
}

/** ffmpeg alone: the server's command line for each copy, frames to /dev/null. CPU of the children, in ms. */
async function ingestByFfmpegAlone(clip) {
  const args = ffmpegArgs({ type: 'file', location: clip, loop: false, pace: 'realtime' }, { jpegQuality: SERVER_DEFAULTS.jpegQuality });
  const before = cpuTimesMs('self', ticksPerSecond).childrenMs;
  const start = performance.now();
  await Promise.all(Array.from({ length: INGEST_STREAMS }, () => runFfmpeg(args)));
  return { cpuMs: cpuTimesMs('self', ticksPerSecond).childrenMs - before, wallS: (performance.now() - start) / 1000 };
}

/** The server child pulling each copy as a `file` stream until all have played out: its CPU and its ffmpeg children's. */
async function ingestByServer(server, clip) {
  const s0 = await server.sample();
  const start = performance.now();
  const ids = [];
  for (let i = 0; i < INGEST_STREAMS; i++) {
    const created = await request(`${server.api}/streams`, { method: 'POST', body: { source: { type: 'file', url: path.basename(clip) } } });
    ids.push(created.id);
  }
  const deadline = performance.now() + CLIP_SECONDS * 1000 + 30_000;
  let statuses;
  for (;;) {
    statuses = await Promise.all(ids.map((id) => request(`${server.api}/streams/${id}`)));
    if (statuses.every((s) => s.state === 'ended')) break;
    if (performance.now() > deadline) {
      throw new Error(`the server's ${INGEST_STREAMS} file streams did not end in time: ${JSON.stringify(statuses.map((s) => ({ state: s.state, ingest: s.ingest, frames: s.last_frame_index })))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const wallS = (performance.now() - start) / 1000;
  const s1 = await server.sample();
  const bad = statuses.find((s) => s.end_reason !== 'source_ended' || s.ingest?.last_error);
  if (bad) throw new Error(`a server stream did not play out cleanly: ${JSON.stringify({ end_reason: bad.end_reason, ingest: bad.ingest })}`);
  const expected = CLIP_SECONDS * CLIP_FPS;
  const short = statuses.find((s) => (s.last_frame_index ?? -1) + 1 !== expected);
  if (short) throw new Error(`a server stream ingested ${(short.last_frame_index ?? -1) + 1} frames of the clip's ${expected}: the CPU comparison would not be like for like`);
  for (const id of ids) await request(`${server.api}/streams/${id}`, { method: 'DELETE' }); // frees the frames
  return { nodeMs: s1.cpuMs - s0.cpuMs, ffmpegMs: s1.childrenCpuMs - s0.childrenCpuMs, wallS, framesPerStream: statuses.map((s) => (s.last_frame_index ?? -1) + 1) };
}

/** Baseline, server, server, baseline: a load that drifts during the run weighs on both sides alike. */
async function measureIngest(clip) {
  const server = await startServerChild({ mediaRoot: workDir, builtinModels: false });
  const rounds = [];
  for (const side of ['ffmpeg', 'server', 'server', 'ffmpeg']) {
    rounds.push({ side, ...(side === 'ffmpeg' ? await ingestByFfmpegAlone(clip) : await ingestByServer(server, clip)) });
  }
  await server.stop();
  const sum = (side, key) => rounds.filter((r) => r.side === side).reduce((n, r) => n + r[key], 0);
  const baselineMs = sum('ffmpeg', 'cpuMs');
  const nodeMs = sum('server', 'nodeMs');
  const ffmpegMs = sum('server', 'ffmpegMs');
  return {
    rounds,
    baselineMs,
    nodeMs,
    ffmpegMs,
    ratio: (nodeMs + ffmpegMs) / baselineMs,
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Memory per retained minute

async function measureMemory(frames) {
  const server = await startServerChild({ builtinModels: false, retention: { durationMs: RETENTION_MS } }, { exposeGc: true });
  const m0 = await server.sample(true);
  const { id } = await request(`${server.api}/streams`, { method: 'POST' });
  const pusher = new Pusher(server.api, id, frames);
  const pushed = 2 * 60 * PUSH_FPS; // two minutes of stream time, as fast as possible
  for (let i = 0; i < pushed; i++) await pusher.push((i * 1000) / PUSH_FPS);
  const status = await request(`${server.api}/streams/${id}`);
  const m1 = await server.sample(true);
  await server.stop();
  const retainedMinutes = status.retained_frame_count / (60 * PUSH_FPS);
  const perMinute = (bytes) => bytes / retainedMinutes / 1e6;
  return {
    pushed,
    retainedFrames: status.retained_frame_count,
    evictedFrames: status.evicted_frame_count,
    retainedBytes: status.retained_bytes,
    bytesPerFrame: status.retained_bytes / status.retained_frame_count,
    mbPerMinute: perMinute(status.retained_bytes),
    rssMbPerMinute: perMinute(m1.rss - m0.rss),
    arrayBuffersMbPerMinute: perMinute(m1.arrayBuffers - m0.arrayBuffers),
  };
}

// ---------------------------------------------------------------------------------------------
// Soak (on demand)

async function soak(frames, minutes) {
  const fake = await startFakeUpstream();
  cleanups.push(() => fake.close());
  const server = await startServerChild({ upstreams: { [MODEL_ID]: { baseUrl: fake.baseUrl, model: FAKE_MODEL } }, builtinModels: false, retention: { durationMs: RETENTION_MS } });
  const { id } = await request(`${server.api}/streams`, { method: 'POST' });
  const pusher = new Pusher(server.api, id, frames);
  cleanups.push(() => pusher.stop());
  pusher.startLive(PUSH_FPS);
  const chatUrl = `${server.api}/chat/completions`;
  const frameRef = `ovs://streams/${id}?frame_index=-1`;
  const windowRef = `ovs://streams/${id}?start_offset_ms=-10000&max_fps=1`;
  const start = performance.now();
  const samples = [];
  let chats = 0;
  let nextSample = start + 10_000;
  let lastKeepalive = start;
  while (performance.now() - start < minutes * 60_000) {
    if (pusher.error) throw new Error(`pushing frames failed: ${pusher.error.message}`);
    // One question a second, every fifth about a 10 s window: a watch rule's traffic.
    const window = chats % 5 === 4;
    await timedPost(chatUrl, () => chatBody(window ? 'video' : 'image', window ? windowRef : frameRef));
    chats += 1;
    if (performance.now() - lastKeepalive > 60_000) {
      await request(`${server.api}/streams/${id}/keepalive`, { method: 'POST' });
      lastKeepalive = performance.now();
    }
    if (performance.now() >= nextSample) {
      const { rss } = await server.sample();
      const status = await request(`${server.api}/streams/${id}`);
      samples.push({ s: Math.round((performance.now() - start) / 1000), rss, retained: status.retained_frame_count });
      console.log(`  soak ${samples.at(-1).s} s: RSS ${round(rss / 1e6, 1)} MB, ${status.retained_frame_count} frames retained, ${status.evicted_frame_count} evicted`);
      nextSample += 10_000;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await pusher.stop();
  await server.stop();
  // RSS grows by design until the ring is full, and for a while after, until evicted frames are
  // collected at V8's pace: flatness is judged from one minute into eviction ("steady").
  const steadyFromS = (RETENTION_MS + 60_000) / 1000;
  const steady = samples.filter((s) => s.s >= steadyFromS);
  if (steady.length < 2) throw new Error(`the soak was too short to judge: it needs more than ${steadyFromS + 10} s`);
  const first = steady[0].rss;
  const last = steady.at(-1).rss;
  const max = Math.max(...steady.map((s) => s.rss));
  const min = Math.min(...steady.map((s) => s.rss));
  const full = samples.find((s) => s.s * 1000 >= RETENTION_MS + 10_000)?.rss ?? first;
  return { minutes, chats, steadyFromS, full, first, last, max, min, flat: max <= first * 1.1 && min >= first * 0.9 };
}

// ---------------------------------------------------------------------------------------------

const ticksPerSecond = clockTicksPerSecond();
const ms = (x) => `${round(x, 2)} ms`;
const mb = (bytes) => `${round(bytes / 1e6, 1)} MB`;

async function main() {
  const loadAtStart = loadavg()[0];
  const frames = makeFrames();
  const meanFrameBytes = frames.reduce((n, f) => n + f.length, 0) / frames.length;

  if (soakMinutes > 0) {
    console.log(`soak: ${soakMinutes} min, one pushed ${WIDTH}x${HEIGHT} stream at ${PUSH_FPS} fps (~${round(meanFrameBytes / 1024, 1)} KiB frames), ${RETENTION_MS / 1000} s retention, one chat completion a second`);
    const r = await soak(frames, soakMinutes);
    console.log(`soak RSS when the ring was full: ${mb(r.full)}; from ${r.steadyFromS} s on: first ${mb(r.first)}, last ${mb(r.last)}, max ${mb(r.max)}, min ${mb(r.min)}: ${r.flat ? 'flat (within 10%)' : 'NOT within 10%'}`);
    console.log(
      JSON.stringify({
        bench: 'server',
        mode: 'soak',
        soak_minutes: soakMinutes,
        soak_rss_ring_full_mb: round(r.full / 1e6, 1),
        soak_steady_from_s: r.steadyFromS,
        soak_rss_first_mb: round(r.first / 1e6, 1),
        soak_rss_last_mb: round(r.last / 1e6, 1),
        soak_rss_max_mb: round(r.max / 1e6, 1),
        soak_rss_min_mb: round(r.min / 1e6, 1),
        soak_rss_flat_within_10pct: r.flat,
        soak_chat_completions: r.chats,
      }),
    );
    return;
  }

  console.log(`latency: sequential request pairs (${LATENCY_PAIRS.image} for a frame, ${LATENCY_PAIRS.video} for a window) after ${LATENCY_WARMUP} warm-up, ${WIDTH}x${HEIGHT} JPEGs (~${round(meanFrameBytes / 1024, 1)} KiB), stream pushed at ${PUSH_FPS} fps`);
  const latency = await measureLatency(frames);
  for (const [name, r] of [
    ['one frame (frame_index=-1)', latency.frame],
    [`10 s window at 1 fps (${round(latency.window.frames, 1)} frames)`, latency.window],
  ]) {
    console.log(`  ${name}, upstream body ${round(r.upstreamBodyBytes / 1024, 1)} KiB:`);
    console.log(`    through the server  p50 ${ms(r.server.p50)}  p99 ${ms(r.server.p99)}`);
    console.log(`    direct to upstream  p50 ${ms(r.direct.p50)}  p99 ${ms(r.direct.p99)}`);
    console.log(`    added               p50 ${ms(r.added.p50)}  p99 ${ms(r.added.p99)}  (ratio p50 ${round(r.server.p50 / r.direct.p50, 2)}x, p99 ${round(r.server.p99 / r.direct.p99, 2)}x)`);
    console.log(`    CPU per request: through the server p50 ${ms(r.serverCpu.p50)} p99 ${ms(r.serverCpu.p99)}, direct p50 ${ms(r.directCpu.p50)} p99 ${ms(r.directCpu.p99)}, added p50 ${ms(r.addedCpu.p50)} p99 ${ms(r.addedCpu.p99)}`);
  }
  console.log(`  target: one frame p99 added <= 5 ms: ${latency.frame.added.p99 <= 5 ? 'met' : 'NOT met'} (load average ${loadAtStart.toFixed(1)} at the start, on ${availableParallelism()} CPUs; a direct p99 far above its p50 means the machine, not the server, sets the tail)`);

  console.log(`ingest: ${INGEST_STREAMS} x ${WIDTH}x${HEIGHT}@${CLIP_FPS} H.264, ${CLIP_SECONDS} s each, real-time pacing; ffmpeg alone, server, server, ffmpeg alone`);
  const clip = makeClip();
  const ingest = await measureIngest(clip);
  for (const r of ingest.rounds) {
    if (r.side === 'ffmpeg') console.log(`  ffmpeg alone (frames to /dev/null): CPU ${round(r.cpuMs / 1000, 2)} s in ${round(r.wallS, 1)} s`);
    else console.log(`  server: node ${round(r.nodeMs / 1000, 2)} s + its ffmpeg ${round(r.ffmpegMs / 1000, 2)} s CPU in ${round(r.wallS, 1)} s; frames per stream ${r.framesPerStream.join(', ')} (all of the clip's)`);
  }
  console.log(`  in all: server ${round((ingest.nodeMs + ingest.ffmpegMs) / 1000, 2)} s (node ${round(ingest.nodeMs / 1000, 2)} s) vs ffmpeg alone ${round(ingest.baselineMs / 1000, 2)} s`);
  console.log(`  ratio ${round(ingest.ratio, 3)}x (target <= 1.2x: ${ingest.ratio <= 1.2 ? 'met' : 'NOT met'})`);

  console.log(`memory: one pushed ${WIDTH}x${HEIGHT} stream at ${PUSH_FPS} fps, ${RETENTION_MS / 1000} s retention`);
  const memory = await measureMemory(frames);
  console.log(`  ${memory.pushed} frames pushed, ${memory.retainedFrames} retained (${mb(memory.retainedBytes)}), ${memory.evictedFrames} evicted; ${round(memory.bytesPerFrame / 1024, 1)} KiB per frame`);
  console.log(`  ${round(memory.mbPerMinute, 2)} MB per retained minute (JPEG bytes); server growth after GC: RSS ${round(memory.rssMbPerMinute, 2)} MB, ArrayBuffers ${round(memory.arrayBuffersMbPerMinute, 2)} MB per retained minute`);

  console.log(
    JSON.stringify({
      bench: 'server',
      frame_added_p99_ms: round(latency.frame.added.p99, 2),
      frame_added_p50_ms: round(latency.frame.added.p50, 2),
      window_added_p99_ms: round(latency.window.added.p99, 2),
      window_added_p50_ms: round(latency.window.added.p50, 2),
      ingest_cpu_vs_ffmpeg: round(ingest.ratio, 3),
      mb_per_retained_minute: round(memory.mbPerMinute, 2),
      frame_server_p50_ms: round(latency.frame.server.p50, 2),
      frame_server_p99_ms: round(latency.frame.server.p99, 2),
      frame_direct_p50_ms: round(latency.frame.direct.p50, 2),
      frame_direct_p99_ms: round(latency.frame.direct.p99, 2),
      window_server_p50_ms: round(latency.window.server.p50, 2),
      window_server_p99_ms: round(latency.window.server.p99, 2),
      window_direct_p50_ms: round(latency.window.direct.p50, 2),
      window_direct_p99_ms: round(latency.window.direct.p99, 2),
      frame_added_cpu_p50_ms: round(latency.frame.addedCpu.p50, 2),
      frame_added_cpu_p99_ms: round(latency.frame.addedCpu.p99, 2),
      window_added_cpu_p50_ms: round(latency.window.addedCpu.p50, 2),
      window_added_cpu_p99_ms: round(latency.window.addedCpu.p99, 2),
      load_average_at_start: round(loadAtStart, 2),
      window_frames: round(latency.window.frames, 1),
      frame_pairs: LATENCY_PAIRS.image,
      window_pairs: LATENCY_PAIRS.video,
      ingest_streams: INGEST_STREAMS,
      ingest_clip_seconds: CLIP_SECONDS,
      ingest_ffmpeg_alone_cpu_s: round(ingest.baselineMs / 1000, 2),
      ingest_server_node_cpu_s: round(ingest.nodeMs / 1000, 2),
      ingest_server_ffmpeg_cpu_s: round(ingest.ffmpegMs / 1000, 2),
      bytes_per_frame: Math.round(memory.bytesPerFrame),
      rss_mb_per_retained_minute: round(memory.rssMbPerMinute, 2),
      array_buffers_mb_per_retained_minute: round(memory.arrayBuffersMbPerMinute, 2),
    }),
  );
}

try {
  await main();
} catch (error) {
  await fail(error.message);
}
await cleanup();
process.exit(0);
