import { spawn, type ChildProcess } from 'node:child_process';
import { JpegSplitter } from './jpeg-splitter.js';

export interface FfmpegExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ffmpeg is not installed). */
  readonly spawnError?: string;
}

export interface FfmpegRunOptions {
  readonly ffmpegPath: string;
  readonly args: readonly string[];
  /**
   * Called for each JPEG frame on stdout. `mediaTimeMs` is the frame's presentation time when
   * the command line includes a `showinfo` filter, undefined otherwise.
   */
  readonly onFrame: (jpeg: Buffer, mediaTimeMs: number | undefined) => void;
  readonly withMediaTime: boolean;
}

/** How many ffmpeg diagnostic lines a run keeps for status and error messages. */
const STDERR_LINES = 8;
/** A kept diagnostic line longer than this is cut (ffmpeg can print huge lines on bad input). */
const STDERR_LINE_CHARS = 400;
/** An unfinished stderr line is kept up to this many characters (its start: where showinfo's fields are). */
const PARTIAL_LINE_CHARS = 4096;
/** Frames (or media times) waiting for their pair; more means one side lost some, so the oldest are dropped. */
const MAX_UNPAIRED_FRAMES = 256;

const SHOWINFO = /\[Parsed_showinfo_\d+ @ [^\]]+\] \[info\] n:\s*\d+\s+pts:\s*-?\d+\s+pts_time:\s*(-?[\d.]+(?:e[+-]?\d+)?)/;
const LEVEL = /\[(warning|error|fatal|panic)\] /;
/**
 * Noise: what ffmpeg prints for every MJPEG encoder setup, and its advice on an output with no
 * frame (about its own options, not the source).
 */
const NOISE = /deprecated pixel format used|Output file is empty, nothing was encoded/;
const CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi;

/**
 * One ffmpeg child process: frames from stdout, a bounded tail of its diagnostics from stderr
 * (credentials in URLs masked), and a stop that escalates from SIGTERM to SIGKILL.
 */
export class FfmpegRun {
  readonly exited: Promise<FfmpegExit>;
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private partialLine = '';
  private readonly mediaTimes: number[] = [];
  private readonly pendingFrames: Buffer[] = [];
  private done = false;

  constructor(private readonly options: FfmpegRunOptions) {
    const splitter = new JpegSplitter((jpeg) => this.frame(jpeg));
    this.child = spawn(options.ffmpegPath, options.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => splitter.push(chunk));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (text: string) => this.stderr(text));
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.done = true;
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `ffmpeg not found at "${options.ffmpegPath}": install ffmpeg or set ffmpegPath` : error.message;
        resolve({ code: null, signal: null, spawnError: reason });
      });
      this.child.once('close', (code, signal) => {
        this.done = true;
        if (this.partialLine) this.keepLine(this.partialLine);
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last diagnostic lines (warnings and errors), oldest first. */
  get diagnostics(): readonly string[] {
    return this.lines;
  }

  /** Stops reading its frames; ffmpeg blocks on the full pipe until `resume()`. */
  pause(): void {
    this.child.stdout?.pause();
  }

  resume(): void {
    this.child.stdout?.resume();
  }

  /** Asks ffmpeg to quit, kills it after `graceMs`, and resolves once it has exited. */
  async stop(graceMs: number): Promise<FfmpegExit> {
    if (!this.done) {
      // A paused pipe would never drain, and the child's 'close' waits for it.
      this.child.stdout?.resume();
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!this.done) this.child.kill('SIGKILL');
      }, graceMs);
      timer.unref();
      const exit = await this.exited;
      clearTimeout(timer);
      return exit;
    }
    return this.exited;
  }

  private frame(jpeg: Buffer): void {
    if (!this.options.withMediaTime) {
      this.options.onFrame(jpeg, undefined);
      return;
    }
    // stdout and stderr are separate pipes: pair frames with showinfo lines in order.
    this.pendingFrames.push(jpeg);
    if (this.pendingFrames.length > MAX_UNPAIRED_FRAMES) this.pendingFrames.shift();
    this.flushPaired();
  }

  private flushPaired(): void {
    while (this.pendingFrames.length > 0 && this.mediaTimes.length > 0) {
      this.options.onFrame(this.pendingFrames.shift()!, this.mediaTimes.shift()!);
    }
  }

  private stderr(text: string): void {
    const pieces = (this.partialLine + text).split('\n');
    this.partialLine = (pieces.pop() ?? '').slice(0, PARTIAL_LINE_CHARS);
    for (const line of pieces) this.keepLine(line);
  }

  private keepLine(raw: string): void {
    const line = raw.trimEnd();
    const info = this.options.withMediaTime ? SHOWINFO.exec(line) : null;
    if (info) {
      this.mediaTimes.push(Math.round(Number(info[1]) * 1000));
      if (this.mediaTimes.length > MAX_UNPAIRED_FRAMES) this.mediaTimes.shift();
      this.flushPaired();
      return;
    }
    if (!LEVEL.test(line) || NOISE.test(line)) return;
    this.lines.push(line.replace(/^(\[[^\]]*\] )+/, '').slice(0, STDERR_LINE_CHARS).replace(CREDENTIALS, '$1***@'));
    if (this.lines.length > STDERR_LINES) this.lines.shift();
  }
}

/**
 * Why an ffmpeg run ended badly: it could not start, was killed, failed (with its last
 * diagnostics), or ended cleanly having given no frame.
 */
export function describeExit(run: FfmpegRun, exit: FfmpegExit, frames: number): string {
  if (exit.spawnError) return exit.spawnError;
  const tail = run.diagnostics.slice(-3).join(' | ');
  if (exit.code === 0) return `the source ended${frames === 0 ? ' without a video frame' : ''}${tail ? `: ${tail}` : ''}`;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  return `ffmpeg ${how}${tail ? `: ${tail}` : ''}`;
}
