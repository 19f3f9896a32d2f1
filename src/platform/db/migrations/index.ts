import { Migration20261123000000_foundation } from './Migration20261123000000_foundation.ts';

/** Every committed migration, in order. Listed explicitly so no file globbing happens at run time. */
export const migrationsList = [
  { name: 'Migration20261123000000_foundation', class: Migration20261123000000_foundation },
];
