/** A .ovs source text with its name (the path as the user gave it) and offset -> line/column lookup. */

export interface Position {
  /** 0-based character offset. */
  readonly offset: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in characters. */
  readonly column: number;
}

export class Source {
  private lineStarts: number[] | undefined;

  constructor(
    readonly body: string,
    readonly name: string = '<input>',
  ) {}

  /** The 1-based line and column of an offset; offsets past the end clamp to the end. */
  positionOf(offset: number): Position {
    const starts = this.starts();
    const clamped = Math.max(0, Math.min(offset, this.body.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { offset: clamped, line: lo + 1, column: clamped - starts[lo]! + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const starts = this.starts();
    const start = starts[line - 1];
    if (start === undefined) return '';
    const next = starts[line];
    return this.body.slice(start, next === undefined ? undefined : next).replace(/\r?\n$/, '');
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = 0; i < this.body.length; i++) if (this.body.charCodeAt(i) === 10) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }
}
