import { p } from '@mikro-orm/core';

// Properties most rows share, declared once. Timestamps are set by the
// application on create/update (the database defaults cover raw inserts).

/** A text primary key. */
export const textId = () => ({ id: p.string().primary() });

/** When the row was created. */
export const createdAt = () => ({ createdAt: p.datetime().onCreate(() => new Date()) });

/** When the row was created and last changed. */
export const timestamps = () => ({
  ...createdAt(),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
});
