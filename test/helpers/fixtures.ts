// Document builders shared by the rule tests. Line numbers in the tests depend on this exact
// layout: a template's first grant line is line 7, an agent's is line 15.

/** A Template file named `name` whose spec.grants is `grants` (YAML list lines, indented 4). */
export const templateYaml = (name: string, grants: string) => `apiVersion: leash/v1
kind: Template
metadata:
  name: ${name}
spec:
  grants:
${grants}`;

/** A production Agent in tier standard, with its own credential, whose grants are `grants`. */
export const agentYaml = (name: string, grants: string) => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: production
  tier: standard
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/${name}
  grants:
${grants}`;
