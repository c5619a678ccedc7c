/**
 * Where the CLI reads and writes. `bin.ts` passes the process's streams; tests pass buffers, so
 * every command runs in-process with its output captured.
 */

export interface OutputStream {
  write(text: string): void;
  /** True for a terminal: colour is used only there. */
  readonly isTTY?: boolean;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** All of standard input, for `ovs fmt -`. */
  readStdin(): Promise<Buffer>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Calls `handler` on SIGINT or SIGTERM, for long-running commands (`run`, `serve`); returns
   * a function that stops listening. Tests call the handler themselves.
   */
  onStopSignal(handler: (signal: string) => void): () => void;
}

/** Colour on a terminal unless NO_COLOR is set to anything but the empty string (no-color.org). */
export function useColor(stream: OutputStream, env: CliIo['env']): boolean {
  return stream.isTTY === true && !env['NO_COLOR'];
}

export function processIo(): CliIo {
  return {
    stdout: { write: (text) => void process.stdout.write(text), isTTY: process.stdout.isTTY },
    stderr: { write: (text) => void process.stderr.write(text), isTTY: process.stderr.isTTY },
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    env: process.env,
    onStopSignal(handler) {
      const signals = ['SIGINT', 'SIGTERM'] as const;
      for (const signal of signals) process.on(signal, handler);
      return () => {
        for (const signal of signals) process.off(signal, handler);
      };
    },
  };
}
