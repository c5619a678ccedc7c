// The ovs server in a process of its own, so the benchmark can measure its CPU and memory apart
// from the benchmark's own work. Started with `fork(thisFile, [JSON options])`; talks over IPC:
//   -> { type: 'ready', url }                            once listening
//   <- { type: 'sample', gc? }  -> { type: 'sample', ... } CPU (own and waited-for children) and memory
//   <- { type: 'close' }        -> exits 0 after closing the server (every ffmpeg child stopped)
// If the benchmark goes away (IPC disconnects), the server closes and the process exits.
import { createServer } from '@ovs/server';
import { cpuTimesMs } from './_proc.mjs';

const { ticksPerSecond, ...options } = JSON.parse(process.argv[2] ?? '{}');
const server = await createServer(options);
let closing;

function close(code) {
  closing ??= server.close().then(
    () => process.exit(code),
    (error) => {
      console.error(`server child: close failed: ${error.message}`);
      process.exit(1);
    },
  );
  return closing;
}

process.on('message', (message) => {
  if (message?.type === 'sample') {
    if (message.gc && typeof globalThis.gc === 'function') globalThis.gc();
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    process.send({
      type: 'sample',
      cpuMs: (cpu.user + cpu.system) / 1000,
      childrenCpuMs: cpuTimesMs('self', ticksPerSecond).childrenMs,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      arrayBuffers: memory.arrayBuffers,
    });
  } else if (message?.type === 'close') {
    void close(0);
  }
});
process.on('disconnect', () => void close(1));
process.send({ type: 'ready', url: server.url });
