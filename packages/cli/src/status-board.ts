/**
 * The live status of `ovs run` on a terminal: one line per watch, redrawn in place on standard
 * error. Lines printed meanwhile (events on standard output) go above it: the board is erased,
 * the line written, the board drawn again.
 */
import type { OutputStream } from './io.js';

const ERASE_LINE_UP = '\x1b[1A\x1b[2K';

export class StatusBoard {
  private drawn = 0;

  constructor(
    private readonly board: OutputStream,
    private readonly width = 120,
  ) {}

  /** Replaces the board with these lines. */
  draw(lines: readonly string[]): void {
    this.erase();
    const clipped = lines.map((l) => (l.length > this.width ? `${l.slice(0, this.width - 1)}…` : l));
    if (clipped.length > 0) this.board.write(`${clipped.join('\n')}\n`);
    this.drawn = clipped.length;
    this.last = clipped;
  }

  /** Writes text above the board (to `out`), keeping the board below it. */
  print(out: OutputStream, text: string): void {
    const lines = this.last;
    this.erase();
    out.write(text);
    this.draw(lines);
  }

  /** Removes the board, for the summary that follows it. */
  clear(): void {
    this.erase();
    this.last = [];
  }

  private last: readonly string[] = [];

  private erase(): void {
    if (this.drawn > 0) this.board.write(ERASE_LINE_UP.repeat(this.drawn));
    this.drawn = 0;
  }
}
