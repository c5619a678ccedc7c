/**
 * Reading, checking and reporting one .ovs file: shared by every command that takes files.
 * The language library is imported on first use, so `ovs --help` never loads the parser.
 */
import type { PipelineIr } from '@ovs/ir';
import type { Diagnostic, Source } from '@ovs/lang';
import type { CommandContext } from './context.js';
import { ExitCode } from './context.js';
import { readInput } from './files.js';
import type { Input, InputProblem } from './files.js';
import { useColor } from './io.js';
import type { OutputStream } from './io.js';

export const loadLang = () => import('@ovs/lang');

export interface CheckedFile {
  readonly input: Input;
  readonly source: Source;
  readonly diagnostics: readonly Diagnostic[];
  /** Streams used but not declared: bound at run time with --stream. */
  readonly parameters: readonly string[];
  /** Present when there is no error. */
  readonly ir?: PipelineIr;
}

/** Reads and checks a file; a file that cannot be read gives one diagnostic instead. */
export async function checkFile(path: string, ctx: CommandContext): Promise<CheckedFile> {
  const input = await readInput(path, ctx.io);
  const lang = await loadLang();
  const source = new lang.Source(input.text, input.name);
  if (input.problem) return { input, source, diagnostics: [problemDiagnostic(input.problem, input.text)], parameters: [] };
  const result = lang.check(source);
  return { input, source, diagnostics: result.diagnostics, parameters: result.parameters, ir: result.ir };
}

/** An input problem as a diagnostic, so it prints and serialises like any other. */
export function problemDiagnostic(problem: InputProblem, text: string): Diagnostic {
  const start = Math.min(problem.offset, text.length);
  return {
    code: problem.code,
    severity: 'error',
    message: problem.message,
    range: { start, end: Math.min(start + 1, text.length) },
    ...(problem.hint === undefined ? {} : { hint: problem.hint }),
  };
}

export const hasErrors = (diagnostics: readonly Diagnostic[]) => diagnostics.some((d) => d.severity === 'error');

/**
 * Diagnostics for people, the path as the user gave it. A file that could not be read at all
 * has no line to quote: its problem is one line (and a hint).
 */
export async function renderForPeople(input: Input, source: Source, diagnostics: readonly Diagnostic[], color: boolean): Promise<string> {
  const lang = await loadLang();
  return diagnostics
    .map((d) => {
      if (!input.problem || input.text !== '') return lang.renderDiagnostic(d, source, { color });
      return `${input.name}: error ${d.code}: ${d.message}${d.hint ? `\n  hint: ${d.hint}` : ''}`;
    })
    .map((text) => `${text}\n`)
    .join('');
}

/** Writes a file's diagnostics to a stream, coloured when it is a terminal. */
export async function report(file: Pick<CheckedFile, 'input' | 'source' | 'diagnostics'>, to: OutputStream, ctx: CommandContext): Promise<void> {
  if (file.diagnostics.length === 0) return;
  to.write(await renderForPeople(file.input, file.source, file.diagnostics, useColor(to, ctx.io.env)));
}

/**
 * The IR of a file for compile, graph and plan: diagnostics (warnings too) go to stderr; on an
 * error the exit code becomes 1 and the result is undefined.
 */
export async function loadPipeline(path: string, ctx: CommandContext): Promise<{ file: CheckedFile; ir: PipelineIr } | undefined> {
  const file = await checkFile(path, ctx);
  await report(file, ctx.io.stderr, ctx);
  if (hasErrors(file.diagnostics)) {
    ctx.exitCode = ExitCode.failure;
    return undefined;
  }
  if (!file.ir) throw new Error(`${file.input.name} checked clean but compiled to nothing`);
  return { file, ir: file.ir };
}
