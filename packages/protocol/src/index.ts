export * from './errors.js';
export * from './ovs-url.js';
export * from './chat.js';
export * from './models.js';
export * from './streams.js';
export * from './bindings.js';
export * from './http.js';
