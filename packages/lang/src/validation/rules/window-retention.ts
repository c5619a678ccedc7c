import type { ValidationRule } from '../context.js';
import { formatDuration } from '../duration.js';

export const windowRetention: ValidationRule = {
  code: 'OVS1011',
  name: 'window-retention',
  description: "A window reaches further back than the backend keeps frames (600 s on the hosted service).",
  check({ sites, retentionMs, report }) {
    for (const { window, owner } of sites.windows) {
      const { before } = window;
      if (before.ms === null || before.ms <= retentionMs) continue;
      const kept = formatDuration(retentionMs);
      report({
        range: before.range,
        message: `this ${owner === 'watch' ? "watch's" : "escalation's"} window reaches ${before.raw} back, but the backend keeps only the last ${kept} of a stream`,
        hint: `shorten it to at most ${kept}`,
      });
    }
  },
};
