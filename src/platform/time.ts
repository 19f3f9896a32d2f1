/** Durations in milliseconds, for bounds that read as what they are (`MINUTE * 5`). */
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
