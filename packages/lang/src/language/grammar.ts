/**
 * The .ovs grammar, building AST nodes directly in its actions (no CST). Each rule returns its
 * node, or undefined when error recovery left a required part missing: a token the parser
 * invented to recover (`isInsertedInRecovery`) is never put into the tree, so the tree has no
 * holes. The rules read one statement; `parse` drives them statement by statement.
 */
import { DURATION_UNITS } from '@ovs/ir';
import { EmbeddedActionsParser, tokenMatcher } from 'chevrotain';
import type { IParserConfig, IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type {
  ActionNode,
  DurationNode,
  EscalateNode,
  KOfNNode,
  LimitNode,
  ModelDeclNode,
  NameNode,
  NotifyNode,
  NumberNode,
  OnNode,
  ParamNode,
  Per,
  Range,
  ScheduleNode,
  SinkDeclNode,
  SinkType as SinkTypeName,
  StatementNode,
  StreamDeclNode,
  StreamSourceType,
  StringNode,
  TimeOfDayNode,
  VoteNode,
  WatchNode,
  WindowNode,
} from './ast.js';
import {
  BudgetMetric,
  Comma,
  DurationLike,
  DurationLiteral,
  Equals,
  Identifier,
  Kw,
  keywordsOf,
  LParen,
  NumberLiteral,
  parserTokens,
  Period,
  RParen,
  SinkType,
  SourceType,
  StringLiteral,
  TimeOfDay,
  tokenEnd,
  VoteMode,
  Word,
} from './lexer.js';
import { decodeString } from './strings.js';
import type { SyntaxMessages } from './syntax-messages.js';

/** A clause of a watch, an `on` rule or an escalation, before it is put in its slot. */
type Clause =
  | WindowNode
  | ScheduleNode
  | KOfNNode
  | { readonly kind: 'ask' | 'system' | 'above' | 'cooldown'; readonly range: Range; readonly value: StringNode | NumberNode | DurationNode };

type ClauseName = 'over' | 'ask' | 'system' | 'between' | 'of' | 'above' | 'cooldown';

function clauseName(clause: Clause): ClauseName {
  switch (clause.kind) {
    case 'Window':
      return 'over';
    case 'Schedule':
      return 'between';
    case 'KOfN':
      return 'of';
    default:
      return clause.kind;
  }
}

const clauseTitles: Readonly<Record<ClauseName, string>> = {
  over: 'an "over" window',
  ask: 'an "ask" question',
  system: 'a "system" prompt',
  between: 'a "between" schedule',
  of: 'a "K of N" qualifier',
  above: 'an "above" threshold',
  cooldown: 'a "cooldown"',
};

const actionDescription = 'an action ("escalate to MODEL" or "notify SINK")';

function range(first: IToken, last: IToken): Range {
  return { start: first.startOffset, end: tokenEnd(last) };
}

/** The keyword a token stands for; a misspelled word read as a keyword keeps its own image. */
function keyword(token: IToken): string {
  return keywordsOf(token.tokenType)[0] ?? token.image;
}

/** The token, unless error recovery invented it. */
function real(token: IToken | undefined): IToken | undefined {
  return token === undefined || token.isInsertedInRecovery ? undefined : token;
}

export class OvsParser extends EmbeddedActionsParser {
  /** Problems found while building nodes: clauses given twice, bad escapes, a bad fps. */
  issues: Diagnostic[] = [];

  constructor(messages: SyntaxMessages, options: Pick<IParserConfig, 'skipValidations'> = { skipValidations: true }) {
    super(parserTokens, { recoveryEnabled: true, maxLookahead: 1, errorMessageProvider: messages, ...options });
    this.performSelfAnalysis();
  }

  readonly statement = this.RULE('statement', (): StatementNode | undefined =>
    this.OR([
      { ALT: () => this.SUBRULE(this.streamDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.sinkDecl) },
      { ALT: () => this.SUBRULE(this.limit) },
      { ALT: () => this.SUBRULE(this.watch) },
    ]),
  );

  private readonly streamDecl = this.RULE('streamDecl', (): StreamDeclNode | undefined => {
    const first = this.CONSUME(Kw.stream);
    const name = this.CONSUME(Identifier);
    this.CONSUME(Equals);
    const { type, value } = this.OR({
      DEF: [
        { ALT: () => ({ type: undefined, value: this.CONSUME(StringLiteral) }) },
        { ALT: () => ({ type: this.CONSUME(SourceType), value: this.CONSUME1(StringLiteral) }) },
      ],
      ERR_MSG: 'a stream id in quotes or a source like rtsp "rtsp://..."',
    });
    return this.ACTION(() => {
      const nameNode = this.name(name);
      const valueNode = this.string(value);
      if (!nameNode || !valueNode || (type && !real(type))) return undefined;
      return {
        kind: 'StreamDecl',
        range: range(first, value),
        name: nameNode,
        sourceType: (type ? keyword(type) : 'id') as StreamSourceType,
        value: valueNode,
      };
    });
  });

  private readonly modelDecl = this.RULE('modelDecl', (): ModelDeclNode | undefined => {
    const first = this.CONSUME(Kw.model);
    const name = this.CONSUME(Identifier);
    this.CONSUME(Equals);
    const id = this.CONSUME(StringLiteral);
    let paramsWritten = false;
    const params = this.OPTION(() => {
      paramsWritten = true;
      return this.SUBRULE(this.params);
    });
    return this.ACTION(() => {
      const nameNode = this.name(name);
      const idNode = this.string(id);
      if (!nameNode || !idNode || (paramsWritten && !params)) return undefined;
      return {
        kind: 'ModelDecl',
        range: { start: first.startOffset, end: this.lastEnd() },
        name: nameNode,
        id: idNode,
        params: params ?? [],
      };
    });
  });

  private readonly sinkDecl = this.RULE('sinkDecl', (): SinkDeclNode | undefined => {
    const first = this.CONSUME(Kw.sink);
    const name = this.CONSUME(Identifier);
    this.CONSUME(Equals);
    const type = this.CONSUME(SinkType);
    const target = this.CONSUME(StringLiteral);
    let paramsWritten = false;
    const params = this.OPTION(() => {
      paramsWritten = true;
      return this.SUBRULE(this.params);
    });
    return this.ACTION(() => {
      const nameNode = this.name(name);
      const targetNode = this.string(target);
      if (!nameNode || !targetNode || !real(type) || (paramsWritten && !params)) return undefined;
      return {
        kind: 'SinkDecl',
        range: { start: first.startOffset, end: this.lastEnd() },
        name: nameNode,
        sinkType: keyword(type) as SinkTypeName,
        target: targetNode,
        params: params ?? [],
      };
    });
  });

  /** `(key value, key value)`; undefined when a parameter could not be read. */
  private readonly params = this.RULE('params', (): ParamNode[] | undefined => {
    const params: (ParamNode | undefined)[] = [];
    this.CONSUME(LParen);
    this.MANY_SEP({ SEP: Comma, DEF: () => params.push(this.SUBRULE(this.param)) });
    this.CONSUME(RParen);
    return this.ACTION(() => (params.every((p) => p !== undefined) ? (params as ParamNode[]) : undefined));
  });

  private readonly param = this.RULE('param', (): ParamNode | undefined => {
    const key = this.CONSUME(Word);
    const value = this.OR([
      { ALT: () => this.CONSUME(NumberLiteral) },
      { ALT: () => this.CONSUME(StringLiteral) },
      { ALT: () => this.CONSUME(DurationLiteral) },
      { ALT: () => this.CONSUME1(Word) },
    ]);
    return this.ACTION(() => {
      const keyNode = this.name(key);
      if (!keyNode || !real(value)) return undefined;
      const type = value.tokenType;
      const valueNode =
        type === NumberLiteral
          ? this.number(value)
          : type === DurationLiteral
            ? this.duration(value)
            : tokenMatcher(value, StringLiteral)
              ? this.string(value)
              : this.name(value);
      if (!valueNode) return undefined;
      return { kind: 'Param', range: { start: keyNode.range.start, end: valueNode.range.end }, name: keyNode, value: valueNode };
    });
  });

  private readonly limit = this.RULE('limit', (): LimitNode | undefined => {
    const first = this.CONSUME(Kw.limit);
    const model = this.OPTION(() => this.CONSUME(Identifier));
    const form = this.OR([
      { ALT: () => ({ metric: this.CONSUME(Kw.concurrency), amount: this.CONSUME(NumberLiteral), per: undefined }) },
      {
        ALT: () => {
          const metric = this.CONSUME(BudgetMetric);
          const amount = this.CONSUME1(NumberLiteral);
          this.CONSUME(Kw.per);
          return { metric, amount, per: this.CONSUME(Period) };
        },
      },
    ]);
    return this.ACTION(() => {
      const amount = this.number(form.amount);
      const modelNode = model ? this.name(model) : null;
      if (!amount || !real(form.metric) || (form.per && !real(form.per)) || modelNode === undefined) return undefined;
      return {
        kind: 'Limit',
        range: { start: first.startOffset, end: this.lastEnd() },
        model: modelNode,
        metric: keyword(form.metric) as LimitNode['metric'],
        amount,
        per: form.per ? (keyword(form.per) as Per) : null,
      };
    });
  });

  private readonly watch = this.RULE('watch', (): WatchNode | undefined => {
    const first = this.CONSUME(Kw.watch);
    const plural = this.OR([
      { ALT: () => (this.CONSUME(Kw.stream), false) },
      { ALT: () => (this.CONSUME(Kw.streams), true) },
    ]);
    const streams: IToken[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => streams.push(this.CONSUME(Identifier)) });
    this.CONSUME(Kw.every);
    const every = this.CONSUME(DurationLike);
    this.CONSUME(Kw.with);
    const models: IToken[] = [];
    this.AT_LEAST_ONE_SEP1({ SEP: Comma, DEF: () => models.push(this.CONSUME1(Identifier)) });
    let voteWritten = false;
    const vote = this.OPTION(() => {
      voteWritten = true;
      return this.SUBRULE(this.vote);
    });
    const clauses: (Clause | undefined)[] = [];
    this.MANY(() => clauses.push(this.SUBRULE(this.watchClause)));
    const rules: (OnNode | undefined)[] = [];
    this.MANY1(() => rules.push(this.SUBRULE(this.onRule)));
    return this.ACTION(() => {
      const streamNodes = this.names(streams);
      const modelNodes = this.names(models);
      const everyNode = this.duration(every);
      if (!streamNodes || !modelNodes || !everyNode || (voteWritten && !vote)) return undefined;
      const slots = this.slots(clauses, ['over', 'ask', 'system', 'between']);
      if (!slots) return undefined;
      return {
        kind: 'Watch',
        range: { start: first.startOffset, end: this.lastEnd() },
        plural,
        streams: streamNodes,
        every: everyNode,
        models: modelNodes,
        vote: vote ?? null,
        window: (slots.get('over') as WindowNode | undefined) ?? null,
        ask: this.slotValue<StringNode>(slots, 'ask'),
        system: this.slotValue<StringNode>(slots, 'system'),
        schedule: (slots.get('between') as ScheduleNode | undefined) ?? null,
        rules: rules.filter((r) => r !== undefined),
      };
    });
  });

  /** `by all|any|majority|N`; undefined when unreadable, so the watch is dropped. */
  private readonly vote = this.RULE('vote', (): VoteNode | undefined => {
    const first = this.CONSUME(Kw.by);
    const mode = this.OR([{ ALT: () => this.CONSUME(VoteMode) }, { ALT: () => this.CONSUME(NumberLiteral) }]);
    return this.ACTION(() => {
      if (!real(mode)) return undefined;
      const count = mode.tokenType === NumberLiteral ? this.number(mode)! : null;
      return {
        kind: 'Vote',
        range: range(first, mode),
        mode: count ? 'at_least' : (keyword(mode) as VoteNode['mode']),
        count,
      };
    });
  });

  private readonly watchClause = this.RULE('watchClause', (): Clause | undefined =>
    this.OR([
      { ALT: () => this.SUBRULE(this.window) },
      { ALT: () => this.SUBRULE(this.prompt) },
      { ALT: () => this.SUBRULE(this.schedule) },
    ]),
  );

  /** `ask "..."` or `system "..."`. */
  private readonly prompt = this.RULE('prompt', (): Clause | undefined => {
    const word = this.OR([{ ALT: () => this.CONSUME(Kw.ask) }, { ALT: () => this.CONSUME(Kw.system) }]);
    const text = this.CONSUME(StringLiteral);
    return this.ACTION(() => {
      const value = this.string(text);
      if (!value) return undefined;
      return { kind: keyword(word) as 'ask' | 'system', range: range(word, text), value };
    });
  });

  private readonly schedule = this.RULE('schedule', (): ScheduleNode | undefined => {
    const first = this.CONSUME(Kw.between);
    const from = this.CONSUME(TimeOfDay);
    this.CONSUME(Kw.and);
    const to = this.CONSUME1(TimeOfDay);
    return this.ACTION(() => {
      const fromNode = this.timeOfDay(from);
      const toNode = this.timeOfDay(to);
      if (!fromNode || !toNode) return undefined;
      return { kind: 'Schedule', range: range(first, to), from: fromNode, to: toNode };
    });
  });

  /** `over last D [at F fps]` or `over D before [and D after] [at F fps]`. */
  private readonly window = this.RULE('window', (): WindowNode | undefined => {
    const first = this.CONSUME(Kw.over);
    const span = this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.last);
          return { form: 'last' as const, before: this.CONSUME(DurationLike), after: undefined };
        },
      },
      {
        ALT: () => {
          const before = this.CONSUME1(DurationLike);
          this.CONSUME(Kw.before);
          const after = this.OPTION(() => {
            this.CONSUME(Kw.and);
            const d = this.CONSUME2(DurationLike);
            this.CONSUME(Kw.after);
            return d;
          });
          return { form: 'around' as const, before, after };
        },
      },
    ]);
    let fpsWritten = false;
    const fps = this.OPTION1(() => {
      fpsWritten = true;
      return this.SUBRULE(this.fps);
    });
    return this.ACTION(() => {
      const before = this.duration(span.before);
      const after = span.after ? this.duration(span.after) : null;
      if (!before || after === undefined || (fpsWritten && !fps)) return undefined;
      return {
        kind: 'Window',
        range: { start: first.startOffset, end: this.lastEnd() },
        form: span.form,
        before,
        after,
        fps: fps ?? null,
      };
    });
  });

  /** `at F fps`, also written `at 2fps`. */
  private readonly fps = this.RULE('fps', (): NumberNode | undefined => {
    this.CONSUME(Kw.at);
    return this.OR([
      {
        ALT: () => {
          const n = this.CONSUME(NumberLiteral);
          const unit = this.CONSUME(Kw.fps);
          return this.ACTION(() => (real(unit) ? this.number(n) : undefined));
        },
      },
      {
        ALT: () => {
          const d = this.CONSUME(DurationLiteral);
          return this.ACTION(() => this.fpsFromDuration(d));
        },
      },
    ]);
  });

  private readonly onRule = this.RULE('onRule', (): OnNode | undefined => {
    const first = this.CONSUME(Kw.on);
    const labels: IToken[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Kw.or, DEF: () => labels.push(this.CONSUME(StringLiteral)) });
    const qualifiers: (Clause | undefined)[] = [];
    this.MANY(() => qualifiers.push(this.SUBRULE(this.qualifier)));
    const actions: (ActionNode | undefined)[] = [];
    this.AT_LEAST_ONE_SEP1({ SEP: Kw.then, DEF: () => actions.push(this.SUBRULE(this.action)), ERR_MSG: actionDescription });
    return this.ACTION(() => {
      const labelNodes = this.strings(labels);
      if (!labelNodes || actions.length === 0 || actions.includes(undefined)) return undefined;
      const slots = this.slots(qualifiers, ['of', 'above', 'cooldown']);
      if (!slots) return undefined;
      return {
        kind: 'On',
        range: { start: first.startOffset, end: this.lastEnd() },
        labels: labelNodes,
        kOfN: (slots.get('of') as KOfNNode | undefined) ?? null,
        above: this.slotValue<NumberNode>(slots, 'above'),
        cooldown: this.slotValue<DurationNode>(slots, 'cooldown'),
        actions: actions as ActionNode[],
      };
    });
  });

  /** `K of N`, `above X` or `cooldown D`. */
  private readonly qualifier = this.RULE('qualifier', (): Clause | undefined =>
    this.OR([
      {
        ALT: () => {
          const k = this.CONSUME(NumberLiteral);
          this.CONSUME(Kw.of);
          const n = this.CONSUME1(NumberLiteral);
          return this.ACTION((): KOfNNode | undefined => {
            const kNode = this.number(k);
            const nNode = this.number(n);
            return kNode && nNode ? { kind: 'KOfN', range: range(k, n), k: kNode, n: nNode } : undefined;
          });
        },
      },
      {
        ALT: () => {
          const word = this.CONSUME(Kw.above);
          const x = this.CONSUME2(NumberLiteral);
          return this.ACTION(() => {
            const value = this.number(x);
            return value ? { kind: 'above' as const, range: range(word, x), value } : undefined;
          });
        },
      },
      {
        ALT: () => {
          const word = this.CONSUME(Kw.cooldown);
          const d = this.CONSUME(DurationLike);
          return this.ACTION(() => {
            const value = this.duration(d);
            return value ? { kind: 'cooldown' as const, range: range(word, d), value } : undefined;
          });
        },
      },
    ]),
  );

  private readonly action = this.RULE('action', (): ActionNode | undefined =>
    this.OR({
      DEF: [{ ALT: () => this.SUBRULE(this.escalate) }, { ALT: () => this.SUBRULE(this.notify) }],
      ERR_MSG: actionDescription,
    }),
  );

  private readonly escalate = this.RULE('escalate', (): EscalateNode | undefined => {
    const first = this.CONSUME(Kw.escalate);
    this.CONSUME(Kw.to);
    const model = this.CONSUME(Identifier);
    const clauses: (Clause | undefined)[] = [];
    this.MANY(() =>
      clauses.push(this.OR([{ ALT: () => this.SUBRULE(this.window) }, { ALT: () => this.SUBRULE(this.prompt) }])),
    );
    return this.ACTION(() => {
      const modelNode = this.name(model);
      if (!modelNode) return undefined;
      const slots = this.slots(clauses, ['over', 'ask']);
      if (!slots) return undefined;
      return {
        kind: 'Escalate',
        range: { start: first.startOffset, end: this.lastEnd() },
        model: modelNode,
        window: (slots.get('over') as WindowNode | undefined) ?? null,
        ask: this.slotValue<StringNode>(slots, 'ask'),
      };
    });
  });

  private readonly notify = this.RULE('notify', (): NotifyNode | undefined => {
    const first = this.CONSUME(Kw.notify);
    const sink = this.CONSUME(Identifier);
    return this.ACTION(() => {
      const sinkNode = this.name(sink);
      return sinkNode ? { kind: 'Notify', range: range(first, sink), sink: sinkNode } : undefined;
    });
  });

  // ---- node builders (run only while parsing, never while chevrotain records the grammar) ----

  /** End offset of the last token read. */
  private lastEnd(): number {
    return tokenEnd(this.LA(0));
  }

  private name(token: IToken): NameNode | undefined {
    if (!real(token)) return undefined;
    return { kind: 'Name', range: range(token, token), value: token.image };
  }

  private names(tokens: readonly IToken[]): NameNode[] | undefined {
    const nodes = tokens.map((t) => this.name(t));
    return nodes.length > 0 && nodes.every((n) => n !== undefined) ? (nodes as NameNode[]) : undefined;
  }

  private string(token: IToken): StringNode | undefined {
    if (!real(token)) return undefined;
    const { value, badEscapes } = decodeString(token.image);
    for (const at of badEscapes) {
      const offset = token.startOffset + at;
      this.issues.push({
        code: 'OVS0005',
        severity: 'error',
        message: `unknown escape "${token.image.slice(at, at + 2)}" in a string`,
        range: { start: offset, end: offset + 2 },
        hint: 'the escapes are \\" \\\\ \\n and \\t; write \\\\ for a backslash',
      });
    }
    return { kind: 'String', range: range(token, token), value };
  }

  private strings(tokens: readonly IToken[]): StringNode[] | undefined {
    const nodes = tokens.map((t) => this.string(t));
    return nodes.length > 0 && nodes.every((n) => n !== undefined) ? (nodes as StringNode[]) : undefined;
  }

  private number(token: IToken): NumberNode | undefined {
    if (!real(token)) return undefined;
    return { kind: 'Number', range: range(token, token), value: Number(token.image), raw: token.image };
  }

  /** A duration, or a bare number where a duration belongs (unit null: the checker says so). */
  private duration(token: IToken): DurationNode | undefined {
    if (!real(token)) return undefined;
    const raw = token.image;
    const match = /^(-?\d+(?:\.\d+)?)(.*)$/.exec(raw);
    const amount = Number(match?.[1] ?? raw);
    const unit = match?.[2] ? match[2] : null;
    const perUnit = unit === null ? undefined : DURATION_UNITS[unit];
    return { kind: 'Duration', range: range(token, token), raw, amount, unit, ms: perUnit === undefined ? null : amount * perUnit };
  }

  private timeOfDay(token: IToken): TimeOfDayNode | undefined {
    if (!real(token)) return undefined;
    const [hours = '', minutes = ''] = token.image.split(':');
    return { kind: 'TimeOfDay', range: range(token, token), raw: token.image, hours: Number(hours), minutes: Number(minutes) };
  }

  /** `2fps` written as one token; any other unit there is an error. */
  private fpsFromDuration(token: IToken): NumberNode | undefined {
    if (!real(token)) return undefined;
    const raw = /^-?\d+(?:\.\d+)?/.exec(token.image)?.[0] ?? '';
    if (token.image.slice(raw.length) !== 'fps') {
      this.issues.push({
        code: 'OVS0003',
        severity: 'error',
        message: `expected frames per second like "2 fps" after "at", found "${token.image}"`,
        range: range(token, token),
        hint: `write "at ${raw} fps"`,
      });
      return undefined;
    }
    return { kind: 'Number', range: { start: token.startOffset, end: token.startOffset + raw.length }, value: Number(raw), raw };
  }

  /**
   * Puts each clause in its slot; a clause given twice is reported and the first one kept.
   * Undefined when a clause could not be read: its node is then left out too.
   */
  private slots(clauses: readonly (Clause | undefined)[], allowed: readonly ClauseName[]): Map<ClauseName, Clause> | undefined {
    if (!clauses.every((c) => c !== undefined)) return undefined;
    const slots = new Map<ClauseName, Clause>();
    for (const clause of clauses) {
      const name = clauseName(clause);
      if (!allowed.includes(name)) continue;
      const earlier = slots.get(name);
      if (earlier) {
        this.issues.push({
          code: 'OVS0006',
          severity: 'error',
          message: `${clauseTitles[name]} is given twice`,
          range: clause.range,
          hint: 'keep one of them',
          related: [{ range: earlier.range, message: 'first given here' }],
        });
      } else {
        slots.set(name, clause);
      }
    }
    return slots;
  }

  private slotValue<T extends StringNode | NumberNode | DurationNode>(slots: Map<ClauseName, Clause>, name: ClauseName): T | null {
    const clause = slots.get(name);
    return clause && 'value' in clause ? (clause.value as T) : null;
  }
}
