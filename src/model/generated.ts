// Generated from schemas/*.schema.json by `npm run gen:types`. Do not edit by hand.

/**
 * Identifies the document.
 */

export interface Metadata {
  /**
   * The document's name; it must equal the file name without its extension.
   */
  name: string;
  /**
   * What this document is for, in a sentence.
   */
  description?: string;
  /**
   * Free key/value labels for grouping and search.
   */
  labels?: {
    /**
     * A label value.
     */
    [k: string]: string;
  };
}

/**
 * Permission for an agent to perform actions on a system's resources in a mode.
 */

export interface Grant {
  /**
   * The System the grant reaches (its metadata.name).
   */
  system: string;
  /**
   * The resource within the system, or a glob over resource names (minimatch syntax, e.g. 'case*').
   */
  resource: string;
  /**
   * Actions of the resource the grant allows ('*' for every action).
   *
   * @minItems 1
   * @maxItems 64
   */
  actions: [string, ...string[]];
  /**
   * How far the agent may go with these actions.
   */
  mode: 'read-only' | 'recommend-only' | 'draft-only' | 'execute-limited' | 'execute-gated' | 'escalate';
  /**
   * The fields of the resource the grant is limited to; every field when absent.
   *
   * @minItems 1
   * @maxItems 256
   */
  fields?: [string, ...string[]];
  when?: Conditions;
  /**
   * When the grant lapses.
   */
  expires?: string;
  /**
   * Why the agent needs this grant (shown to reviewers).
   */
  reason?: string;
}

/**
 * Conditions under which the grant applies.
 */

export interface Conditions {
  schedule?: Schedule;
  /**
   * Windows during which the grant does not apply (change freezes).
   *
   * @minItems 1
   */
  freezeWindows?: [Window, ...Window[]];
  /**
   * The largest amount one call may move.
   */
  maxAmount?: {
    /**
     * The amount, in the currency's major unit.
     */
    value: number;
    /**
     * ISO 4217 currency code.
     */
    currency: string;
  };
  /**
   * How many calls the agent may make in a period.
   */
  rateLimit?: {
    /**
     * Calls allowed per period.
     */
    count: number;
    /**
     * The period.
     */
    per: 'minute' | 'hour' | 'day';
  };
}

/**
 * Business hours during which the grant applies.
 */

export interface Schedule {
  /**
   * Days of the week the grant applies on; all days when absent.
   *
   * @minItems 1
   */
  days?: [
    'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun',
    ...('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[],
  ];
  /**
   * Hours of the day, HH:MM-HH:MM (24-hour clock).
   */
  hours: string;
  /**
   * IANA time zone of the hours, e.g. Europe/Berlin; UTC when absent.
   */
  timezone?: string;
}

/**
 * A period of time.
 */

export interface Window {
  /**
   * Start of the window.
   */
  from: string;
  /**
   * End of the window.
   */
  to: string;
  /**
   * Why the window exists (e.g. peak season freeze).
   */
  reason?: string;
}

/**
 * Use of a Template's grants.
 */

export interface TemplateRef {
  /**
   * The Template to include (its metadata.name).
   */
  template: string;
  /**
   * When the template's grants lapse for this agent.
   */
  expires?: string;
  /**
   * Why the agent needs this template.
   */
  reason?: string;
}

/**
 * One AI agent identity in one environment: who is accountable for it and what it may reach.
 */

export interface Agent {
  /**
   * Version of the leash file format.
   */
  apiVersion: 'leash/v1';
  /**
   * The kind of document.
   */
  kind: 'Agent';
  metadata: Metadata;
  /**
   * The agent's identity, accountability and grants.
   */
  spec: {
    /**
     * What the agent does.
     */
    description?: string;
    /**
     * The accountable team (a slug, e.g. cx-platform).
     */
    owner: string;
    /**
     * The accountable human, as an e-mail address.
     */
    sponsor?: string;
    /**
     * Where the agent runs, e.g. salesforce-agentforce, dynamics365, sap, servicenow, internal.
     */
    platform: string;
    /**
     * The environment this identity lives in, e.g. production, staging.
     */
    environment: string;
    /**
     * The RiskTier that bounds the agent.
     */
    tier: string;
    /**
     * active holds its grants; suspended and revoked hold nothing.
     */
    status?: 'active' | 'suspended' | 'revoked';
    /**
     * How the agent authenticates. Holds references to credentials, never the credentials.
     */
    identity: {
      /**
       * The kind of identity.
       */
      kind:
        | 'service-account'
        | 'oauth-client'
        | 'api-key'
        | 'certificate'
        | 'workload-identity'
        | 'managed-identity';
      /**
       * The identity's name in the systems it logs into (user name, client id, role name); metadata.name when absent.
       */
      principal?: string;
      /**
       * Where the credential is kept, as a URI into a secret store (vault://, aws-sm://, azure-kv://, gcp-sm://, k8s-secret://, env://, 1password://).
       */
      credentialRef: string;
      /**
       * How often the credential is rotated, and when it was last.
       */
      rotation?: {
        /**
         * The rotation period.
         */
        every: string;
        /**
         * When it was last rotated.
         */
        lastRotated?: string;
      };
    };
    /**
     * When the agent's access was last reviewed by its sponsor.
     */
    lastReviewed?: string;
    /**
     * What the agent may do: Template references and inline grants.
     *
     * @maxItems 512
     */
    grants?: (TemplateRef | Grant)[];
  };
}

/**
 * Identifies the document.
 */

/**
 * A named, reusable list of grants that agents include by reference.
 */

export interface Template {
  /**
   * Version of the leash file format.
   */
  apiVersion: 'leash/v1';
  /**
   * The kind of document.
   */
  kind: 'Template';
  metadata: Metadata;
  /**
   * The template's grants.
   */
  spec: {
    /**
     * What job the template serves.
     */
    description?: string;
    /**
     * The grants an agent receives by including this template.
     *
     * @minItems 1
     * @maxItems 512
     */
    grants: [Grant, ...Grant[]];
  };
}

/**
 * Identifies the document.
 */

/**
 * Permission for an agent to perform actions on a system's resources in a mode.
 */

/**
 * Conditions under which the grant applies.
 */

/**
 * Business hours during which the grant applies.
 */

/**
 * A period of time.
 */

/**
 * What agents in a tier may hold, and what controls their grants need.
 */

export interface RiskTier {
  /**
   * Version of the leash file format.
   */
  apiVersion: 'leash/v1';
  /**
   * The kind of document.
   */
  kind: 'RiskTier';
  metadata: Metadata;
  /**
   * The tier's bounds and controls.
   */
  spec: {
    /**
     * Which agents belong in this tier.
     */
    description?: string;
    /**
     * The highest mode an agent in this tier may hold (by authority: escalate < read-only < recommend-only < draft-only < execute-gated < execute-limited).
     */
    maxMode: 'read-only' | 'recommend-only' | 'draft-only' | 'execute-limited' | 'execute-gated' | 'escalate';
    /**
     * The riskiest action an agent in this tier may be granted.
     */
    maxRisk: 'low' | 'medium' | 'high' | 'critical';
    /**
     * Action risks that must be held in execute-gated mode or below when the action executes; defaults to high and critical.
     */
    gatedRisks?: ('low' | 'medium' | 'high' | 'critical')[];
    /**
     * Which grants must expire, and how far ahead at most.
     */
    expiry?: {
      /**
       * Action risks whose grants must carry an expiry; defaults to high and critical.
       */
      requiredFor?: ('low' | 'medium' | 'high' | 'critical')[];
      /**
       * The longest an expiring grant may run, in days from today.
       */
      maxDays?: number;
    };
    /**
     * Whether every agent in the tier must name an accountable human sponsor.
     */
    sponsorRequired?: boolean;
    /**
     * How often agents in the tier must have their access reviewed.
     */
    reviewEvery?: string;
  };
}

/**
 * Identifies the document.
 */

/**
 * A system agents reach (CRM, ticketing, payments, ...): its resources, their data and how risky each action is.
 */

export interface System {
  /**
   * Version of the leash file format.
   */
  apiVersion: 'leash/v1';
  /**
   * The kind of document.
   */
  kind: 'System';
  metadata: Metadata;
  /**
   * The system's resources and the sync target that enforces access to it.
   */
  spec: {
    /**
     * What the system is.
     */
    description?: string;
    /**
     * The team that owns the system.
     */
    owner?: string;
    /**
     * Who makes the system, e.g. Salesforce.
     */
    vendor?: string;
    /**
     * The sync target (a key of leash.yaml spec.targets) that enforces access to this system.
     */
    target?: string;
    /**
     * The resources agents can reach in this system, by name.
     */
    resources: {
      /**
       * A resource: the data it holds and the actions on it.
       */
      [k: string]: {
        /**
         * What the resource is.
         */
        description?: string;
        /**
         * Classes of data the resource holds (pii, payment, health, credentials, ...).
         */
        dataClasses?: string[];
        /**
         * The resource's fields, for field-level grants, with the data classes each holds.
         */
        fields?: {
          /**
           * A field.
           */
          [k: string]: {
            /**
             * What the field holds.
             */
            description?: string;
            /**
             * Classes of data the field holds.
             */
            dataClasses?: string[];
          };
        };
        /**
         * How the system's sync target enforces this resource (see docs/sync.md); the target's defaults apply when absent.
         */
        enforce?: {
          /**
           * The target's object for the resource: a table (schema.table) for postgres, a resource ARN for aws-iam.
           */
          object?: string;
          /**
           * The target's column for each field, where a column is named differently from the field.
           */
          columns?: {
            /**
             * The column name.
             */
            [k: string]: string;
          };
        };
        /**
         * The actions on the resource, by name.
         */
        actions: {
          /**
           * An action and how risky it is.
           */
          [k: string]: {
            /**
             * What the action does.
             */
            description?: string;
            /**
             * How much harm one wrong call can do.
             */
            risk: 'low' | 'medium' | 'high' | 'critical';
            /**
             * Whether the action only reads or also changes state; write when absent.
             */
            effect?: 'read' | 'write';
            /**
             * false when the action cannot be undone (a payout, a sent e-mail, a deletion).
             */
            reversible?: boolean;
            /**
             * true when the action sends something outside the company (to a customer, a partner).
             */
            external?: boolean;
            /**
             * true when the action moves money or changes what a customer pays.
             */
            financial?: boolean;
            /**
             * How the system's sync target enforces this action; the target's defaults apply when absent.
             */
            enforce?: {
              /**
               * The target's permissions for the action: table privileges for postgres (SELECT, INSERT, UPDATE, DELETE, ...), IAM actions for aws-iam, entitlement (group) names for ldap and scim. An empty list enforces nothing.
               *
               * @maxItems 64
               */
              permissions?: string[];
            };
          };
        };
      };
    };
  };
}

/**
 * Identifies the document.
 */

/**
 * Approvals required: each entry needs its count of distinct eligible approvers.
 *
 * @minItems 1
 */

export type Requirements = [
  {group: string; count: number} | {ownerTeam: true; count: number},
  ...({group: string; count: number} | {ownerTeam: true; count: number})[],
];

/**
 * leash.yaml: the repository's environments, approver groups and rules, sync targets, guardrails and lint settings.
 */

export interface Config {
  /**
   * Version of the leash file format.
   */
  apiVersion: 'leash/v1';
  /**
   * The kind of document.
   */
  kind: 'Config';
  metadata: Metadata;
  /**
   * Repository-wide settings.
   */
  spec: {
    /**
     * The environments agents live in, by name. When absent, 'production' and 'prod' are production and every other name is not.
     */
    environments?: {
      /**
       * An environment.
       */
      [k: string]: {
        /**
         * Whether agents here touch real customers and real money.
         */
        production: boolean;
        /**
         * What the environment is.
         */
        description?: string;
      };
    };
    /**
     * Named groups of people whose approval rules can require, by name.
     */
    approverGroups?: {
      /**
       * A group of approvers: GitHub users and teams.
       */
      [k: string]: {
        /**
         * Who the group is.
         */
        description?: string;
        /**
         * GitHub logins.
         */
        users?: string[];
        /**
         * GitHub teams as org/team-slug.
         */
        teams?: string[];
      };
    };
    /**
     * The GitHub organization the repository lives in. An agent's owner team is the approver group named like its owner when one exists, else the GitHub team <org>/<owner>.
     */
    github?: {
      /**
       * The organization's login, e.g. northwind-retail.
       */
      org: string;
    };
    /**
     * Rules that compute the sign-off a change needs from its blast radius. Always read from the base revision.
     */
    approvals?: {
      /**
       * Each rule whose conditions match the change adds its requirements.
       */
      rules?: {
        /**
         * A name: lowercase ASCII letters, digits and single hyphens, starting with a letter, at most 63 characters.
         */
        name: string;
        /**
         * Why the rule exists.
         */
        description?: string;
        when?: ChangeMatch;
        require: Requirements;
      }[];
      /**
       * The lighter sign-off for a change that only removes access; when absent, the matching rules apply.
       */
      removalOnly?: {
        require: Requirements;
      };
      /**
       * The sign-off for a change to leash.yaml, tiers or approver groups; when absent, the strictest rule's requirements apply.
       */
      governanceChange?: {
        require: Requirements;
      };
    };
    /**
     * The systems that enforce access, by name; Systems name one in spec.target. Secrets come from environment variables, never from this file.
     */
    targets?: {
      /**
       * A sync target.
       */
      [k: string]: {
        [k: string]: unknown;
      };
    };
    /**
     * Limits on what one sync may do.
     */
    guardrails?: {
      /**
       * The largest share of managed grants one sync may remove, in percent.
       */
      maxRemovalPercent?: number;
      /**
       * Whether a sync may remove every managed grant from a target.
       */
      allowEmptyTarget?: boolean;
    };
    /**
     * The audit log: an append-only, hash-chained record of every sync, apply and kill (docs/audit.md).
     */
    audit?: {
      /**
       * Where the audit log is kept, relative to the folder holding leash.yaml; must stay inside it (no absolute path, no '.' or '..' segment).
       */
      path?: string;
    };
    /**
     * Lint settings.
     */
    lint?: {
      /**
       * Severity per rule id: error, warning, info or off.
       */
      rules?: {
        /**
         * The severity: error, warning, info, or off to not run the rule.
         */
        [k: string]: 'error' | 'warning' | 'info' | 'off';
      };
      /**
       * Grants expiring within this many days are reported as soon expiring.
       */
      soonExpiringDays?: number;
    };
  };
}

/**
 * Identifies the document.
 */

/**
 * Facts of the change the rule matches; every change when absent.
 */

export interface ChangeMatch {
  /**
   * Action risks gained.
   *
   * @minItems 1
   */
  risks?: ['low' | 'medium' | 'high' | 'critical', ...('low' | 'medium' | 'high' | 'critical')[]];
  /**
   * Environments of agents affected.
   *
   * @minItems 1
   */
  environments?: [string, ...string[]];
  /**
   * Modes gained.
   *
   * @minItems 1
   */
  modes?: [
    'read-only' | 'recommend-only' | 'draft-only' | 'execute-limited' | 'execute-gated' | 'escalate',
    ...('read-only' | 'recommend-only' | 'draft-only' | 'execute-limited' | 'execute-gated' | 'escalate')[],
  ];
  /**
   * Data classes newly in reach.
   *
   * @minItems 1
   */
  dataClasses?: [string, ...string[]];
  /**
   * Systems reached by a gain.
   *
   * @minItems 1
   */
  systems?: [string, ...string[]];
  /**
   * Tiers of agents affected.
   *
   * @minItems 1
   */
  tiers?: [string, ...string[]];
  /**
   * Kinds of change.
   *
   * @minItems 1
   */
  changes?: [
    (
      | 'new-agent'
      | 'removed-agent'
      | 'gain'
      | 'loss'
      | 'widen'
      | 'narrow'
      | 'tier-move'
      | 'status-change'
      | 'irreversible'
      | 'external'
      | 'financial'
      | 'governance'
    ),
    ...(
      | 'new-agent'
      | 'removed-agent'
      | 'gain'
      | 'loss'
      | 'widen'
      | 'narrow'
      | 'tier-move'
      | 'status-change'
      | 'irreversible'
      | 'external'
      | 'financial'
      | 'governance'
    )[],
  ];
}
