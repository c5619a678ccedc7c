// `pnpm bench replay`: how fast `ovs test` replays recorded video, against the physical limit —
// ffmpeg alone decoding the same clip to the same frames — measured in the same run (run
// `pnpm build` first: this imports the built packages).
//
// The clip: 10 minutes of 720p at 30 fps, composed here from the shared photos (an empty scene,
// the person appearing a few times), H.264 by libx264 veryfast. The pipeline: a `builtin/motion`
// watch every 1 s escalating to `builtin/detect` over the last 2 s. Three timings, interleaved
// with the baseline so that a shared machine's load hits all of them alike:
//   ffmpeg  the server's own ingest command line for the whole clip (same fps cap, MJPEG frames
//           to /dev/null): one ffmpeg, where a replay decodes a long clip in parallel segments,
//           one per core, to the same frames,
//   first   the replay with an empty response cache (every model call made),
//   cached  the same replay again: every answer from the cache.
// Each is media seconds per wall second (wall: the whole replay, server start and model loading
// included). Order: ffmpeg, first, ffmpeg, cached, ffmpeg; each replay is compared with the mean
// of the two ffmpeg runs around it, so that a shared machine's changing load hits both alike.
// CPU is counted too (this process, its threads — the detector's workers — and its ffmpeg
// children, from /proc): on a machine shared with other work, speed follows CPU spent more than
// parallelism. `--minutes N` for a shorter clip.
//
// The last line printed is one JSON object with the figures.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clockTicksPerSecond, cpuTimesMs } from './_proc.mjs';
import { median, round } from './_stats.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
let check, Source, replay, ResponseCache, replayFps, ffmpegArgs, composeClip;
try {
  ({ check, Source } = await import('@ovs/lang'));
  ({ replay, ResponseCache, replayFps } = await import('@ovs/replay'));
  // The server's own ffmpeg command line, so the baseline decodes exactly as the replay's ingest does.
  ({ ffmpegArgs } = await import('../packages/server/dist/ingest/ffmpeg-args.js'));
  ({ composeClip } = await import('../scripts/clips.mjs'));
} catch (error) {
  console.error(`bench replay: cannot load the built packages (${error.message}); run "pnpm build" first`);
  process.exit(1);
}

const minutesFlag = process.argv.find((a) => a.startsWith('--minutes'));
const MINUTES = minutesFlag ? Number(minutesFlag.split('=')[1] ?? process.argv[process.argv.indexOf(minutesFlag) + 1]) : 10;
if (!(MINUTES > 0)) {
  console.error('bench replay: --minutes takes a positive number');
  process.exit(2);
}
const MEDIA_S = MINUTES * 60;

const PIPELINE = `model motion = "builtin/motion"
model detect = "builtin/detect"

watch stream cam every 1s with motion
  on "motion"
    escalate to detect over last 2s ask "Is there a person?"
`;

const dir = mkdtempSync(path.join(tmpdir(), 'ovs-bench-replay-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Mostly the empty scene; the person comes in for 10 s four times, spread over the clip. */
function scene() {
  const person = path.join(here, '../../shared/media/person.jpg');
  const visits = 4;
  const visitS = Math.min(10, MEDIA_S / (2 * visits));
  const gapS = (MEDIA_S - visits * visitS) / (visits + 1);
  const segments = [];
  for (let i = 0; i < visits; i++) segments.push({ color: 'gray', seconds: gapS }, { image: person, seconds: visitS });
  segments.push({ color: 'gray', seconds: gapS });
  return segments;
}

function ffmpegBaseline(clip, fps) {
  const args = ffmpegArgs({ type: 'file', location: clip, loop: false, pace: 'asap' }, { jpegQuality: 5, maxFps: fps });
  const out = args.indexOf('pipe:1');
  args[out] = '/dev/null';
  args.splice(out - 2, 0, '-y');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'ignore'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`ffmpeg exited with ${code}`))));
  });
}

/**
 * The composed clip, kept between bench runs (composing 10 minutes takes most of a minute) in the
 * temp dir, named by everything it is made of: the segments, the images' bytes, the size and rate,
 * and the composing script itself.
 */
function cachedClip(spec) {
  const hash = createHash('sha256').update(readFileSync(fileURLToPath(new URL('../scripts/clips.mjs', import.meta.url))));
  for (const segment of spec.segments) if (segment.image) hash.update(readFileSync(segment.image));
  hash.update(JSON.stringify(spec));
  const clipsDir = path.join(tmpdir(), 'ovs-bench-clips');
  const file = path.join(clipsDir, `${hash.digest('hex').slice(0, 32)}.mp4`);
  if (existsSync(file)) return { file, composed: false };
  mkdirSync(clipsDir, { recursive: true });
  // Composed beside the cache, then renamed into place: an interrupted run never leaves half a clip.
  const partial = path.join(dir, 'scene.mp4');
  composeClip({ ...spec, out: partial });
  renameSync(partial, file);
  return { file, composed: true };
}

const t0 = performance.now();
const { file: clip, composed } = cachedClip({ segments: scene(), width: 1280, height: 720, fps: 30 });
console.log(composed ? `clip: ${MINUTES} min of 1280x720 at 30 fps composed in ${round((performance.now() - t0) / 1000, 1)} s` : `clip: ${MINUTES} min of 1280x720 at 30 fps, composed before (${clip})`);

const ir = check(new Source(PIPELINE, 'bench.ovs')).ir;
const fps = replayFps(ir);
const cacheDir = path.join(dir, 'cache');
const speed = (ms) => MEDIA_S / (ms / 1000);
const ticks = clockTicksPerSecond();

/** Runs `work`, returning its result with the CPU this process (all threads) and its reaped children spent meanwhile. */
async function withCpu(work) {
  const before = cpuTimesMs(process.pid, ticks);
  const value = await work();
  const after = cpuTimesMs(process.pid, ticks);
  return { value, selfMs: after.selfMs - before.selfMs, childrenMs: after.childrenMs - before.childrenMs };
}
const cpu = (m) => `${round(m.selfMs / 1000, 1)} s in node + ${round(m.childrenMs / 1000, 1)} s in ffmpeg`;

async function replayed(label) {
  const measured = await withCpu(() => replay(ir, { clips: { cam: clip }, cache: new ResponseCache(cacheDir) }));
  const result = measured.value;
  const models = Object.values(result.summary.metrics.models).map((m) => `${m.name} ${m.calls} calls`).join(', ');
  const cache = Object.entries(result.cache ?? {}).map(([id, s]) => `${id} ${s.hits} hits/${s.misses} misses`).join(', ');
  console.log(`${label}: ${round(result.wallMs / 1000, 2)} s -> ${round(speed(result.wallMs), 1)} media s per wall s; CPU ${cpu(measured)} (${result.events.length} events; ${models}; cache: ${cache})`);
  return { ...result, cpu: measured };
}

const baseline = [];
const baselineCpu = [];
const timeBaseline = async () => {
  const measured = await withCpu(() => ffmpegBaseline(clip, fps));
  baseline.push(measured.value);
  baselineCpu.push(measured.childrenMs);
  console.log(`ffmpeg alone: ${round(measured.value / 1000, 2)} s -> ${round(speed(measured.value), 1)} media s per wall s; CPU ${round(measured.childrenMs / 1000, 1)} s`);
};

await timeBaseline();
const first = await replayed('replay, first run (empty cache)');
await timeBaseline();
const cached = await replayed('replay, second run (cached)');
await timeBaseline();

/** Media seconds per wall second of a replay over that of ffmpeg in the runs just before and after it. */
const versus = (replayMs, before, after) => speed(replayMs) / speed((baseline[before] + baseline[after]) / 2);
const ffmpegMs = median(baseline);
const misses = Object.values(cached.cache ?? {}).reduce((sum, s) => sum + s.misses, 0);
const result = {
  bench: 'replay',
  first_vs_ffmpeg: round(versus(first.wallMs, 0, 1)),
  cached_vs_ffmpeg: round(versus(cached.wallMs, 1, 2)),
  media_s_per_wall_s: round(speed(first.wallMs), 2),
  cached_media_s_per_wall_s: round(speed(cached.wallMs), 2),
  ffmpeg_media_s_per_wall_s: round(speed(ffmpegMs), 2),
  media_s: MEDIA_S,
  fps,
  first_wall_s: round(first.wallMs / 1000, 2),
  cached_wall_s: round(cached.wallMs / 1000, 2),
  ffmpeg_wall_s: baseline.map((ms) => round(ms / 1000, 2)),
  ffmpeg_cpu_s: round(median(baselineCpu) / 1000, 2),
  first_cpu_s: { node: round(first.cpu.selfMs / 1000, 2), ffmpeg: round(first.cpu.childrenMs / 1000, 2) },
  cached_cpu_s: { node: round(cached.cpu.selfMs / 1000, 2), ffmpeg: round(cached.cpu.childrenMs / 1000, 2) },
  events: first.events.length,
  calls: Object.fromEntries(Object.values(first.summary.metrics.models).map((m) => [m.name, m.calls])),
  cached_run_model_calls: misses,
  cpus: availableParallelism(),
  load_1m: round(loadavg()[0], 2),
};
console.log(JSON.stringify(result));
