/** Enumerations over the AST that several rules need. */
import type {
  DocumentNode,
  DurationNode,
  EscalateNode,
  NameNode,
  OnNode,
  ParamNode,
  WatchNode,
  WindowNode,
} from '../language/ast.js';

export interface WindowSite {
  readonly window: WindowNode;
  readonly owner: 'watch' | 'escalation';
}

/** Each `on` rule with the watch it belongs to. */
export function* rulesOf(watches: readonly WatchNode[]): Generator<{ watch: WatchNode; rule: OnNode }> {
  for (const watch of watches) for (const rule of watch.rules) yield { watch, rule };
}

export function* escalationsOf(watches: readonly WatchNode[]): Generator<EscalateNode> {
  for (const { rule } of rulesOf(watches)) {
    for (const action of rule.actions) if (action.kind === 'Escalate') yield action;
  }
}

/** Every window: a watch's `over ...` and each escalation's. */
export function* windowsOf(watches: readonly WatchNode[]): Generator<WindowSite> {
  for (const watch of watches) if (watch.window) yield { window: watch.window, owner: 'watch' };
  for (const escalation of escalationsOf(watches)) {
    if (escalation.window) yield { window: escalation.window, owner: 'escalation' };
  }
}

/** Every model parameter and sink parameter. */
export function* paramsOf(document: DocumentNode): Generator<ParamNode> {
  for (const statement of document.statements) {
    if (statement.kind === 'ModelDecl' || statement.kind === 'SinkDecl') yield* statement.params;
  }
}

/** Every duration in the document, wherever it is written. */
export function* durationsOf(document: DocumentNode, watches: readonly WatchNode[]): Generator<DurationNode> {
  for (const param of paramsOf(document)) if (param.value.kind === 'Duration') yield param.value;
  for (const watch of watches) yield watch.every;
  for (const { window } of windowsOf(watches)) {
    yield window.before;
    if (window.after) yield window.after;
  }
  for (const { rule } of rulesOf(watches)) if (rule.cooldown) yield rule.cooldown;
}

/** Every place a model is named: `with`, `escalate to`, `limit M ...`. */
export function* modelReferencesOf(watches: readonly WatchNode[], limits: readonly { model: NameNode | null }[]): Generator<NameNode> {
  for (const watch of watches) yield* watch.models;
  for (const escalation of escalationsOf(watches)) yield escalation.model;
  for (const limit of limits) if (limit.model) yield limit.model;
}
