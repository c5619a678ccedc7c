#!/usr/bin/env node
// Cold start of `ovs check` on a small file against `node -e 0`, spawned alternately N times
// each (default 20). Prints the medians and their ratio; the last line is JSON.
//   node packages/cli/bench/cold-start.mjs [runs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 20);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const file = 'examples/oneliner.ovs';

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// One warm-up each (file-system cache), then alternate so background load hits both alike.
time(['-e', '0']);
time([bin, 'check', file]);
const node = [];
const ovs = [];
for (let i = 0; i < runs; i++) {
  node.push(time(['-e', '0']));
  ovs.push(time([bin, 'check', file]));
}
const result = { node_ms: median(node), ovs_check_ms: median(ovs), cold_start_vs_node: median(ovs) / median(node), runs };
console.log(`node -e 0:          ${result.node_ms.toFixed(1)} ms (median of ${runs})`);
console.log(`ovs check ${file}: ${result.ovs_check_ms.toFixed(1)} ms (median of ${runs})`);
console.log(JSON.stringify(result));
