import type { ValidationRule } from '../context.js';

export const fpsPositive: ValidationRule = {
  code: 'OVS1010',
  name: 'fps-positive',
  description: "A window's frame rate (`at F fps`) must be above zero.",
  check({ sites, report }) {
    for (const { window } of sites.windows) {
      const fps = window.fps;
      if (!fps || fps.value > 0) continue;
      report({ range: fps.range, message: `a frame rate of ${fps.raw} fps sends no frames`, hint: 'use a rate above zero, e.g. "at 1 fps" or "at 0.5 fps"' });
    }
  },
};
