/**
 * The canonical layout of a .ovs file.
 *
 * - Declarations and limits one per line; `watch` headers on one line, their clauses and `on`
 *   rules on their own lines indented by 2.
 * - An `on` rule with one action keeps it on its line; with several, each action goes on its own
 *   line indented by 4, the later ones starting with `then`.
 * - Clauses keep the order they were written in; `;` is dropped.
 * - Comments stay where they were: a comment on its own line above the line that follows it, a
 *   comment after code at the end of that code's line.
 * - Blank lines: at most one where the source had one or more, and always one around a watch.
 */
import type {
  ActionNode,
  CommentNode,
  DocumentNode,
  DurationNode,
  EscalateNode,
  LimitNode,
  ModelDeclNode,
  NameNode,
  OnNode,
  ParamNode,
  SinkDeclNode,
  StatementNode,
  StreamDeclNode,
  StringNode,
  WatchNode,
  WindowNode,
} from './ast.js';
import { quoteString } from './strings.js';

const INDENT = '  ';

/** One printed line of code, with the source span it came from (to place comments and blank lines). */
interface Line {
  readonly depth: number;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Whether a blank line in the source right before this line is kept. */
  readonly mayFollowBlank: boolean;
  /** The keyword written before `start` that the tree has no range for (`ask "..."`). */
  readonly keyword?: string;
  /** Set on the first line of a statement that must be set apart by a blank line. */
  readonly setApart: boolean;
  readonly leading: CommentNode[];
  trailing: CommentNode | undefined;
}

/**
 * Prints a document in the canonical layout. Pass the text it was parsed from to keep blank
 * lines and to tell end-of-line comments from comments on their own line; without it every
 * comment goes on its own line and only the blank lines around watches are printed.
 */
export function print(document: DocumentNode, text?: string): string {
  const lines: Line[] = [];
  let previous: StatementNode | undefined;
  for (const statement of document.statements) {
    const setApart = previous !== undefined && (previous.kind === 'Watch' || statement.kind === 'Watch');
    statementLines(statement, setApart, lines);
    previous = statement;
  }
  const endComments = attachComments(lines, document.comments, text);
  return render(lines, endComments, text);
}

// ---- statements to lines ----

function line(depth: number, text: string, start: number, end: number, mayFollowBlank = true, setApart = false): Line {
  return { depth, text, start, end, mayFollowBlank, setApart, leading: [], trailing: undefined };
}

function statementLines(statement: StatementNode, setApart: boolean, out: Line[]): void {
  const { start, end } = statement.range;
  switch (statement.kind) {
    case 'StreamDecl':
      out.push(line(0, streamText(statement), start, end, true, setApart));
      return;
    case 'ModelDecl':
      out.push(line(0, modelText(statement), start, end, true, setApart));
      return;
    case 'SinkDecl':
      out.push(line(0, sinkText(statement), start, end, true, setApart));
      return;
    case 'Limit':
      out.push(line(0, limitText(statement), start, end, true, setApart));
      return;
    case 'Watch':
      watchLines(statement, setApart, out);
      return;
  }
}

function streamText(s: StreamDeclNode): string {
  const type = s.sourceType === 'id' ? '' : `${s.sourceType} `;
  return `stream ${s.name.value} = ${type}${str(s.value)}`;
}

function modelText(m: ModelDeclNode): string {
  return `model ${m.name.value} = ${str(m.id)}${paramsText(m.params)}`;
}

function sinkText(s: SinkDeclNode): string {
  return `sink ${s.name.value} = ${s.sinkType} ${str(s.target)}${paramsText(s.params)}`;
}

function paramsText(params: readonly ParamNode[]): string {
  if (params.length === 0) return '';
  const items = params.map((p) => `${p.name.value} ${p.value.kind === 'String' ? str(p.value) : p.value.kind === 'Name' ? p.value.value : p.value.raw}`);
  return ` (${items.join(', ')})`;
}

function limitText(l: LimitNode): string {
  const model = l.model ? ` ${l.model.value}` : '';
  const per = l.per ? ` per ${l.per}` : '';
  return `limit${model} ${l.metric} ${l.amount.raw}${per}`;
}

function watchLines(w: WatchNode, setApart: boolean, out: Line[]): void {
  const vote = w.vote ? ` by ${w.vote.count ? w.vote.count.raw : w.vote.mode}` : '';
  const header = `watch ${w.plural ? 'streams' : 'stream'} ${names(w.streams)} every ${w.every.raw} with ${names(w.models)}${vote}`;
  const headerEnd = w.vote?.range.end ?? w.models[w.models.length - 1]!.range.end;
  out.push(line(0, header, w.range.start, headerEnd, true, setApart));

  const clauses: { start: number; end: number; text: string; keyword?: string }[] = [];
  if (w.window) clauses.push({ ...w.window.range, text: windowText(w.window) });
  if (w.ask) clauses.push({ ...w.ask.range, text: `ask ${str(w.ask)}`, keyword: 'ask' });
  if (w.system) clauses.push({ ...w.system.range, text: `system ${str(w.system)}`, keyword: 'system' });
  if (w.schedule) clauses.push({ ...w.schedule.range, text: `between ${w.schedule.from.raw} and ${w.schedule.to.raw}` });
  for (const c of inSourceOrder(clauses)) out.push({ ...line(1, c.text, c.start, c.end), ...(c.keyword ? { keyword: c.keyword } : {}) });

  for (const rule of w.rules) onLines(rule, out);
}

function onLines(rule: OnNode, out: Line[]): void {
  const qualifiers: { start: number; text: string }[] = [];
  if (rule.kOfN) qualifiers.push({ start: rule.kOfN.range.start, text: `${rule.kOfN.k.raw} of ${rule.kOfN.n.raw}` });
  if (rule.above) qualifiers.push({ start: rule.above.range.start, text: `above ${rule.above.raw}` });
  if (rule.cooldown) qualifiers.push({ start: rule.cooldown.range.start, text: `cooldown ${rule.cooldown.raw}` });
  const head = ['on', rule.labels.map(str).join(' or '), ...inSourceOrder(qualifiers).map((q) => q.text)].join(' ');
  const [first, ...rest] = rule.actions;
  if (first && rest.length === 0) {
    out.push(line(1, `${head} ${actionText(first)}`, rule.range.start, rule.range.end));
    return;
  }
  const headEnd = Math.max(rule.labels[rule.labels.length - 1]!.range.end, rule.kOfN?.range.end ?? 0, rule.above?.range.end ?? 0, rule.cooldown?.range.end ?? 0);
  out.push(line(1, head, rule.range.start, headEnd));
  rule.actions.forEach((action, i) => {
    out.push(line(2, `${i === 0 ? '' : 'then '}${actionText(action)}`, action.range.start, action.range.end, false));
  });
}

function actionText(action: ActionNode): string {
  return action.kind === 'Notify' ? `notify ${action.sink.value}` : escalateText(action);
}

function escalateText(e: EscalateNode): string {
  const clauses: { start: number; text: string }[] = [];
  if (e.window) clauses.push({ start: e.window.range.start, text: windowText(e.window) });
  if (e.ask) clauses.push({ start: e.ask.range.start, text: `ask ${str(e.ask)}` });
  return ['escalate to', e.model.value, ...inSourceOrder(clauses).map((c) => c.text)].join(' ');
}

function windowText(w: WindowNode): string {
  const span = w.form === 'last' ? `last ${dur(w.before)}` : `${dur(w.before)} before${w.after ? ` and ${dur(w.after)} after` : ''}`;
  return `over ${span}${w.fps ? ` at ${w.fps.raw} fps` : ''}`;
}

/** Stable, so nodes without real ranges (built in code) keep the canonical order. */
function inSourceOrder<T extends { start: number }>(items: T[]): T[] {
  return items.sort((a, b) => a.start - b.start);
}

function names(list: readonly NameNode[]): string {
  return list.map((n) => n.value).join(', ');
}

function str(s: StringNode): string {
  return quoteString(s.value);
}

function dur(d: DurationNode): string {
  return d.raw;
}

// ---- comments ----

/** Gives every comment a line; returns the comments that come after the last line. */
function attachComments(lines: Line[], comments: readonly CommentNode[], text: string | undefined): CommentNode[] {
  const atEnd: CommentNode[] = [];
  let at = 0; // index of the last line starting at or before the comment
  for (const comment of comments) {
    while (at + 1 < lines.length && lines[at + 1]!.start <= comment.range.start) at++;
    const before = lines[at] && lines[at]!.start <= comment.range.start ? lines[at] : undefined;
    if (before && text !== undefined && followsCode(text, comment.range.start)) {
      if (before.trailing) before.leading.push(before.trailing);
      before.trailing = comment;
    } else if (before && comment.range.start < before.end) {
      before.leading.push(comment);
    } else {
      const after = before ? lines[at + 1] : lines[0];
      if (after) after.leading.push(comment);
      else atEnd.push(comment);
    }
  }
  return atEnd;
}

/** Whether code precedes an offset on its line (`;` does not count: the printer drops it). */
function followsCode(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return false;
    if (c !== 32 && c !== 9 && c !== 59) return true;
  }
  return false;
}

/**
 * Whether the source has an empty line just before an offset, or before `keyword` when that is
 * what precedes the offset.
 */
function blankBefore(text: string | undefined, offset: number, keyword?: string): boolean {
  if (text === undefined) return false;
  let newlines = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (++newlines === 2) return true;
    } else if (c !== 32 && c !== 9 && c !== 13 && c !== 59 && c !== 0xfeff) {
      if (keyword && text.startsWith(keyword, i + 1 - keyword.length)) return blankBefore(text, i + 1 - keyword.length);
      return false;
    }
  }
  return false;
}

function commentText(comment: CommentNode): string {
  return `#${comment.text.trimEnd()}`;
}

// ---- lines to text ----

function render(lines: readonly Line[], endComments: readonly CommentNode[], text: string | undefined): string {
  const out: string[] = [];
  const emit = (depth: number, content: string, blank: boolean) => {
    if (blank && out.length > 0 && out[out.length - 1] !== '') out.push('');
    out.push(INDENT.repeat(depth) + content);
  };
  for (const l of lines) {
    let first = true;
    for (const comment of l.leading) {
      emit(l.depth, commentText(comment), (first && l.setApart) || blankBefore(text, comment.range.start));
      first = false;
    }
    const code = l.trailing ? `${l.text}  ${commentText(l.trailing)}` : l.text;
    emit(l.depth, code, (first && l.setApart) || (l.mayFollowBlank && blankBefore(text, l.start, l.keyword)));
  }
  for (const comment of endComments) emit(0, commentText(comment), blankBefore(text, comment.range.start));
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
