/**
 * The places in a document that several rules look at, gathered in one pass so each rule is a
 * plain loop over an array.
 */
import type {
  DocumentNode,
  DurationNode,
  EscalateNode,
  NameNode,
  NotifyNode,
  OnNode,
  ParamNode,
  WatchNode,
  WindowNode,
} from '../language/ast.js';

export interface RuleSite {
  readonly watch: WatchNode;
  readonly rule: OnNode;
}

export interface WindowSite {
  readonly window: WindowNode;
  readonly owner: 'watch' | 'escalation';
}

export interface Sites {
  /** Each `on` rule with its watch. */
  readonly rules: readonly RuleSite[];
  readonly escalations: readonly EscalateNode[];
  readonly notifies: readonly NotifyNode[];
  /** Every window: a watch's `over ...` and each escalation's. */
  readonly windows: readonly WindowSite[];
  /** Every duration, wherever it is written (periods, windows, cooldowns, parameters). */
  readonly durations: readonly DurationNode[];
  /** Every place a model is named: `with`, `escalate to`, `limit M ...`; in source order. */
  readonly modelReferences: readonly NameNode[];
  /** Every model and sink parameter. */
  readonly params: readonly ParamNode[];
}

export function collectSites(document: DocumentNode): Sites {
  const sites = {
    rules: [] as RuleSite[],
    escalations: [] as EscalateNode[],
    notifies: [] as NotifyNode[],
    windows: [] as WindowSite[],
    durations: [] as DurationNode[],
    modelReferences: [] as NameNode[],
    params: [] as ParamNode[],
  };
  const addWindow = (window: WindowNode | null, owner: WindowSite['owner']) => {
    if (!window) return;
    sites.windows.push({ window, owner });
    sites.durations.push(window.before);
    if (window.after) sites.durations.push(window.after);
  };
  for (const statement of document.statements) {
    switch (statement.kind) {
      case 'ModelDecl':
      case 'SinkDecl':
        for (const param of statement.params) {
          sites.params.push(param);
          if (param.value.kind === 'Duration') sites.durations.push(param.value);
        }
        break;
      case 'Limit':
        if (statement.model) sites.modelReferences.push(statement.model);
        break;
      case 'Watch':
        sites.durations.push(statement.every);
        sites.modelReferences.push(...statement.models);
        addWindow(statement.window, 'watch');
        for (const rule of statement.rules) {
          sites.rules.push({ watch: statement, rule });
          if (rule.cooldown) sites.durations.push(rule.cooldown);
          for (const action of rule.actions) {
            if (action.kind === 'Notify') {
              sites.notifies.push(action);
            } else {
              sites.escalations.push(action);
              sites.modelReferences.push(action.model);
              addWindow(action.window, 'escalation');
            }
          }
        }
        break;
      case 'StreamDecl':
        break;
    }
  }
  return sites;
}
