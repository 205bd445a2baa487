/**
 * The ldap target: an entry per agent under agentsDn, a groupOfNames per entitlement under
 * groupsDn with the agents granted it as members, and suspension by ppolicy (the entry stays
 * but cannot bind). See docs/targets/ldap.md.
 */
import type { TargetAdapter } from '../../types.js';
import { connectLdap } from './connection.js';
import { LDAP_OBJECT_TYPES, defaultEntitlement, desiredLdapObjects } from './desired.js';
import { checkLdapSettings } from './settings.js';

export const ldapAdapter: TargetAdapter = {
  type: 'ldap',
  objectTypes: LDAP_OBJECT_TYPES,
  checkSettings: checkLdapSettings,
  desired: desiredLdapObjects,
  defaults: {
    object: (system, resource) => `${system}.${resource}`,
    permissions: (action, system, resource) => [defaultEntitlement(system, resource, action.name)],
  },
  connect: connectLdap,
};
