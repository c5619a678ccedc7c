/**
 * The IR analyses behind `ovs graph` and `ovs plan`, loaded lazily by those commands. Named
 * re-exports (never `import('@ovs/ir')` as a whole) let the bundler leave zod and the schemas
 * out: neither command validates an IR, and `ovs check` must start fast.
 */
export { planCost, renderGraph } from '@ovs/ir';
export { renderPlanTable } from './plan-table.js';
