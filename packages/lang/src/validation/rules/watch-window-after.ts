import type { ValidationRule } from '../context.js';

export const watchWindowAfter: ValidationRule = {
  code: 'OVS1026',
  name: 'watch-window-after',
  description: "A watch's window reaches after the frame it sees: a watch looks at the live edge, where no later frames exist.",
  check({ sites, report }) {
    for (const { window, owner } of sites.windows) {
      if (owner !== 'watch' || !window.after) continue;
      report({
        range: window.after.range,
        message: `a watch looks at the newest frame of its streams: there are no frames ${window.after.raw} after it`,
        hint: `drop the "after" part and write "over last ${window.before.raw}"; "after" belongs to an escalation's window`,
      });
    }
  },
};
