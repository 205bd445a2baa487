import { leashPackage } from '../schema/package-root.js';

/** leash's own version, from its package.json. */
export function leashVersion(): string {
  return leashPackage().version;
}
