export * from './version.js';
export * from './schema.js';
export * from './graph.js';
export * from './models.js';
export * from './json-schema.js';
export * from './plan.js';
export * from './render-graph.js';
export * from './durations.js';
