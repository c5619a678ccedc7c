/** HTTP facts both ends of the wire share. */

/** Statuses whose responses have no body: a fetch `Response` refuses one. */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);
