// `pnpm bench lang`: the language front end's speed.
// 1. Check + compile throughput (bytes/s) on a generated 10,000-rule file, against the
//    chevrotain tutorial JSON parser building a CST on JSON of the same size, same run.
// 2. Cold start of `ovs check` on a small file against `node -e 0`, same run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { check, Source } from '@ovs/lang';
import { generateJson, parseJsonCst } from './_json-reference.mjs';
import { median, round } from './_stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function generateOvs(rules) {
  const lines = [
    '# generated for pnpm bench lang',
    'model big = "Qwen/Qwen3.5-9B" (max_tokens 300, temperature 0)',
    'sink alerts = webhook "http://127.0.0.1:9000/hook"',
    'sink log = file "events.jsonl"',
    'limit concurrency 16',
  ];
  const perWatch = 10;
  for (let w = 0; w < rules / perWatch; w++) {
    lines.push(`stream cam${w} = rtsp "rtsp://127.0.0.1:8554/cam${w}"`);
    lines.push(`watch stream cam${w} every ${(w % 9) + 1}s with gemma`);
    lines.push(`  ask "Is anything unusual happening on camera ${w}?"`);
    for (let r = 0; r < perWatch; r++) {
      const n = w * perWatch + r;
      lines.push(`  on "event ${n}" or "alt ${n}" 2 of 3 above 0.8 cooldown 60s`);
      lines.push(`    escalate to big over last 30s at 2 fps ask "Did event ${n} really happen?"`);
      lines.push(r % 2 ? '    then notify alerts' : '    then notify log');
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the front end and the reference alternately (so load changes hit both alike) for about
 * `ms` after a warm-up; returns each one's bytes per second from its median run.
 */
function throughputs(cases, ms = 6000) {
  for (const c of cases) for (let i = 0; i < 3; i++) c.fn(c.text);
  const times = cases.map(() => []);
  const deadline = performance.now() + ms;
  while (performance.now() < deadline || times[0].length < 5) {
    cases.forEach((c, i) => {
      const t0 = performance.now();
      c.fn(c.text);
      times[i].push(performance.now() - t0);
    });
  }
  return cases.map((c, i) => ({ bytesPerSec: c.text.length / (median(times[i]) / 1000), medianMs: median(times[i]), runs: times[i].length }));
}

const ovs = generateOvs(10_000);
const json = generateJson(ovs.length);
const [frontend, reference] = throughputs([
  {
    text: ovs,
    fn: (text) => {
      const result = check(new Source(text, 'generated.ovs'));
      if (!result.ir) throw new Error(`generated file did not compile: ${result.diagnostics[0]?.message}`);
    },
  },
  { text: json, fn: parseJsonCst },
]);

function spawnMedian(args, runs = 21) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  }
  return median(times);
}
const nodeMs = spawnMedian(['-e', '0']);
const checkMs = spawnMedian(['packages/cli/dist/bin.js', 'check', 'examples/oneliner.ovs']);

const kb = (b) => `${round(b / 1024, 1)} KiB`;
console.log(`front end (check + compile): ${kb(ovs.length)} in ${round(frontend.medianMs, 1)} ms median -> ${round(frontend.bytesPerSec / 1e6, 2)} MB/s (${frontend.runs} runs)`);
console.log(`reference (chevrotain JSON CST): ${kb(json.length)} in ${round(reference.medianMs, 1)} ms median -> ${round(reference.bytesPerSec / 1e6, 2)} MB/s (${reference.runs} runs)`);
console.log(`cold start: ovs check ${round(checkMs, 1)} ms vs node -e 0 ${round(nodeMs, 1)} ms (median of 21)`);
const result = {
  bench: 'lang',
  frontend_vs_reference: round(frontend.bytesPerSec / reference.bytesPerSec),
  cold_start_vs_node: round(checkMs / nodeMs),
  frontend_mb_per_s: round(frontend.bytesPerSec / 1e6),
  reference_mb_per_s: round(reference.bytesPerSec / 1e6),
  input_bytes: ovs.length,
  rules: 10_000,
  ovs_check_ms: round(checkMs, 1),
  node_ms: round(nodeMs, 1),
};
console.log(JSON.stringify(result));
