/**
 * Questions derived from the labels when a watch or escalation has no `ask`. They name every
 * label so the model answers for each; the runner adds how to format the answer.
 */
import type { View } from '@ovs/ir';

/** What the model is shown, in words: "this image", "these images" (one per stream), "these frames". */
function subject(view: View, streamCount: number): string {
  if (view.kind === 'window') return 'these frames';
  return streamCount > 1 ? 'these images' : 'this image';
}

function labelList(labels: readonly string[]): string {
  return labels.map((label) => JSON.stringify(label)).join(', ');
}

export function watchPrompt(labels: readonly string[], view: View, streamCount: number): string {
  if (labels.length === 0) return `Describe what is happening in ${subject(view, streamCount)}.`;
  return `Is any of the following happening in ${subject(view, streamCount)}: ${labelList(labels)}? Answer for each label.`;
}

export function escalationPrompt(labels: readonly string[], view: View, streamCount: number): string {
  return `Did any of the following really happen in ${subject(view, streamCount)}: ${labelList(labels)}? Look closely before you confirm, and answer for each label.`;
}
