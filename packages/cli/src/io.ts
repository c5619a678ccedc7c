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
  /**
   * Standard input, for `ovs fmt -` and `ovs check -`: all of it, or, when it is longer than
   * `maxBytes`, the first `maxBytes + 1` bytes (reading stops there, so an endless input such as
   * /dev/zero is refused at once instead of filling memory).
   */
  readStdin(maxBytes: number): Promise<Buffer>;
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
    async readStdin(maxBytes) {
      const chunks: Buffer[] = [];
      let length = 0;
      for await (const chunk of process.stdin) {
        chunks.push(chunk as Buffer);
        length += (chunk as Buffer).length;
        if (length > maxBytes) break; // leaving the loop destroys the stream: nothing more is read
      }
      return Buffer.concat(chunks).subarray(0, maxBytes + 1);
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
