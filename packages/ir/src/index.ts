export * from './schema.js';
export * from './graph.js';
export * from './models.js';
export * from './json-schema.js';
