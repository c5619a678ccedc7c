/**
 * The .ovs abstract syntax tree. Every node carries the source range it came from
 * (character offsets into the source text, end exclusive); `Source.locationOf()` turns an
 * offset into a 1-based line and column.
 *
 * The parser recovers from syntax errors. A statement whose required parts could not be
 * parsed is left out of the tree (its syntax error is already reported), so every node here
 * is complete and the checker never sees holes.
 */

export interface Range {
  readonly start: number;
  readonly end: number;
}

interface BaseNode {
  readonly kind: string;
  readonly range: Range;
}

export interface NameNode extends BaseNode {
  readonly kind: 'Name';
  readonly value: string;
}

export interface StringNode extends BaseNode {
  readonly kind: 'String';
  /** The decoded value (escapes resolved). */
  readonly value: string;
}

export interface NumberNode extends BaseNode {
  readonly kind: 'Number';
  readonly value: number;
  /** As written, e.g. `0.80`, so the printer keeps it. */
  readonly raw: string;
}

/**
 * A duration as written: `2s`, `1500ms`. `unit` is null when the number has no unit (an
 * error the checker reports) and holds whatever letters followed otherwise (`2sec` gives
 * `sec`, an error too). `ms` is the value in milliseconds when the unit is known.
 */
export interface DurationNode extends BaseNode {
  readonly kind: 'Duration';
  readonly raw: string;
  readonly amount: number;
  readonly unit: string | null;
  readonly ms: number | null;
}

/** `HH:MM`, local time of day. */
export interface TimeOfDayNode extends BaseNode {
  readonly kind: 'TimeOfDay';
  readonly raw: string;
  readonly hours: number;
  readonly minutes: number;
}

export interface CommentNode extends BaseNode {
  readonly kind: 'Comment';
  /** The text after `#`, without the line break. */
  readonly text: string;
}

export interface DocumentNode extends BaseNode {
  readonly kind: 'Document';
  readonly statements: readonly StatementNode[];
  /** Every comment in the file, in order; the printer puts them back. */
  readonly comments: readonly CommentNode[];
}

export type StatementNode = StreamDeclNode | ModelDeclNode | SinkDeclNode | LimitNode | WatchNode;

/** `key value` inside parentheses after a model or sink: `(max_tokens 300, temperature 0)`. */
export interface ParamNode extends BaseNode {
  readonly kind: 'Param';
  readonly name: NameNode;
  readonly value: NumberNode | StringNode | DurationNode | NameNode;
}

export type StreamSourceType = 'id' | 'rtsp' | 'hls' | 'file' | 'mjpeg';

/** `stream NAME = "id"` or `stream NAME = rtsp|hls|file|mjpeg "url"`. */
export interface StreamDeclNode extends BaseNode {
  readonly kind: 'StreamDecl';
  readonly name: NameNode;
  readonly sourceType: StreamSourceType;
  readonly value: StringNode;
}

/** `model NAME = "provider/id" [(params)]`. */
export interface ModelDeclNode extends BaseNode {
  readonly kind: 'ModelDecl';
  readonly name: NameNode;
  readonly id: StringNode;
  readonly params: readonly ParamNode[];
}

export type SinkType = 'webhook' | 'file' | 'mqtt';

/** `sink NAME = webhook|file|mqtt "target" [(params)]`. */
export interface SinkDeclNode extends BaseNode {
  readonly kind: 'SinkDecl';
  readonly name: NameNode;
  readonly sinkType: SinkType;
  readonly target: StringNode;
  readonly params: readonly ParamNode[];
}

export type Per = 'minute' | 'hour' | 'day';

/**
 * `limit [MODEL] concurrency N` or a budget `limit [MODEL] calls|tokens N per minute|hour|day`.
 */
export interface LimitNode extends BaseNode {
  readonly kind: 'Limit';
  readonly model: NameNode | null;
  readonly metric: 'concurrency' | 'calls' | 'tokens';
  readonly amount: NumberNode;
  /** Set for budgets (calls, tokens), null for concurrency. */
  readonly per: Per | null;
}

/**
 * What a call sees beyond a single frame.
 * `over last D [at F fps]`: `before` = D, `after` = null.
 * `over D before [and D2 after] [at F fps]`: a window around the anchor frame.
 */
export interface WindowNode extends BaseNode {
  readonly kind: 'Window';
  readonly form: 'last' | 'around';
  readonly before: DurationNode;
  readonly after: DurationNode | null;
  readonly fps: NumberNode | null;
}

/** `by all | any | majority | N` after a list of models. */
export interface VoteNode extends BaseNode {
  readonly kind: 'Vote';
  readonly mode: 'all' | 'any' | 'majority' | 'at_least';
  /** The N of `by N`. */
  readonly count: NumberNode | null;
}

/** `between HH:MM and HH:MM`. */
export interface ScheduleNode extends BaseNode {
  readonly kind: 'Schedule';
  readonly from: TimeOfDayNode;
  readonly to: TimeOfDayNode;
}

/**
 * `watch stream A every 2s with gemma ...` or `watch streams A, B every 5s with m1, m2 by all ...`,
 * then optional clauses (`over`, `ask`, `system`, `between`) and `on` rules.
 */
export interface WatchNode extends BaseNode {
  readonly kind: 'Watch';
  /** True when written `streams` (plural). */
  readonly plural: boolean;
  readonly streams: readonly NameNode[];
  readonly every: DurationNode;
  readonly models: readonly NameNode[];
  readonly vote: VoteNode | null;
  readonly window: WindowNode | null;
  readonly ask: StringNode | null;
  readonly system: StringNode | null;
  readonly schedule: ScheduleNode | null;
  readonly rules: readonly OnNode[];
}

/** `K of N`. */
export interface KOfNNode extends BaseNode {
  readonly kind: 'KOfN';
  readonly k: NumberNode;
  readonly n: NumberNode;
}

/** `on "label" [or "label"...] [K of N] [above X] [cooldown D] action [then action...]`. */
export interface OnNode extends BaseNode {
  readonly kind: 'On';
  readonly labels: readonly StringNode[];
  readonly kOfN: KOfNNode | null;
  readonly above: NumberNode | null;
  readonly cooldown: DurationNode | null;
  readonly actions: readonly ActionNode[];
}

export type ActionNode = EscalateNode | NotifyNode;

/** `escalate to M [window] [ask "..."]`. */
export interface EscalateNode extends BaseNode {
  readonly kind: 'Escalate';
  readonly model: NameNode;
  readonly window: WindowNode | null;
  readonly ask: StringNode | null;
}

/** `notify SINK`. */
export interface NotifyNode extends BaseNode {
  readonly kind: 'Notify';
  readonly sink: NameNode;
}

export type AstNode =
  | NameNode
  | StringNode
  | NumberNode
  | DurationNode
  | TimeOfDayNode
  | CommentNode
  | DocumentNode
  | ParamNode
  | StreamDeclNode
  | ModelDeclNode
  | SinkDeclNode
  | LimitNode
  | WindowNode
  | VoteNode
  | ScheduleNode
  | WatchNode
  | KOfNNode
  | OnNode
  | EscalateNode
  | NotifyNode;

export type AstKind = AstNode['kind'];
