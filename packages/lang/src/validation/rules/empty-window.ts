import type { ValidationRule } from '../context.js';

export const emptyWindow: ValidationRule = {
  code: 'OVS1012',
  name: 'empty-window',
  description: 'A window of zero length (`over last 0s`) sees no frames.',
  check({ sites, report }) {
    for (const { window } of sites.windows) {
      if (window.before.ms !== 0 || (window.after && window.after.ms !== 0)) continue;
      report({
        range: window.range,
        message: 'this window has zero length and sees no frames',
        hint: 'give it a length, e.g. "over last 5s", or remove it to look at a single frame',
      });
    }
  },
};
