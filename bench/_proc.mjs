// CPU times of processes from /proc (Linux): a process's own time and the time of its children
// that it has already waited for (ffmpeg children that exited are counted there by the kernel).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (the unit of /proc/<pid>/stat times), usually 100. */
export function clockTicksPerSecond() {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(result.stdout?.trim());
  if (result.status !== 0 || !Number.isInteger(ticks) || ticks <= 0) {
    throw new Error(`getconf CLK_TCK failed (${result.error?.message ?? result.stderr?.trim()}); this benchmark needs Linux /proc`);
  }
  return ticks;
}

/** `{ selfMs, childrenMs }`: user+system CPU of `pid` and of its waited-for children, in ms. */
export function cpuTimesMs(pid, ticksPerSecond) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces): the 3rd field of the line is [0].
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const [utime, stime, cutime, cstime] = [fields[11], fields[12], fields[13], fields[14]];
  const toMs = (ticks) => (ticks * 1000) / ticksPerSecond;
  return { selfMs: toMs(utime + stime), childrenMs: toMs(cutime + cstime) };
}
