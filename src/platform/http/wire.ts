/** Timestamps on the wire: ISO 8601, or null when absent. */
export const isoOrNull = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** A timestamp as the wire's ISO 8601 text. */
export const iso = (d: Date | string): string => new Date(d).toISOString();
