/**
 * Running a pipeline from .ovs source text, for programs that embed ovs: check and compile with
 * the language package, then run the IR with the runner (which never imports the parser).
 */
import type { Diagnostic } from '@ovs/lang';
import type { RunHandle, RunOptions } from '@ovs/runner';

/** The source has errors: nothing was started. `message` holds them rendered for people. */
export class PipelineSourceError extends Error {
  override readonly name = 'PipelineSourceError';
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(message);
  }
}

export interface RunSourceOptions extends RunOptions {
  /** The file name diagnostics and event records name (default `<source>`). */
  readonly file?: string;
}

/** Checks and compiles `text`, then runs it; rejects with a PipelineSourceError when it has errors. */
export async function runSource(text: string, options: RunSourceOptions = {}): Promise<RunHandle> {
  const { file = '<source>', ...runOptions } = options;
  const lang = await import('@ovs/lang');
  const source = new lang.Source(text, file);
  const checked = lang.check(source);
  if (!checked.ir) {
    const errors = checked.diagnostics.filter((d) => d.severity === 'error');
    throw new PipelineSourceError(lang.renderDiagnostics(errors, source), errors);
  }
  const { run } = await import('@ovs/runner');
  return run(checked.ir, runOptions);
}
