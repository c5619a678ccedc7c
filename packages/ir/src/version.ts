/**
 * The IR's version, in a module of its own: importing it (as the compiler does) does not load
 * zod and the schemas, which keeps `ovs check`'s start-up short.
 */
export const IR_VERSION = 1 as const;
