import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import { MODES } from '../../src/model/modes.js';
import { readPolicyDir } from '../../src/source/files.js';
import { validatePolicyFiles } from '../../src/validate.js';

// The example's high-risk grants expire in early 2027; judge them from a fixed day so the test
// does not start failing as the calendar moves.
const NOW = new Date('2026-11-22T00:00:00Z');
const POLICIES = fileURLToPath(new URL('../../policies/', import.meta.url));

const result = validatePolicyFiles(readPolicyDir(POLICIES), { now: NOW });
const { index } = result;

function describeDiagnostic(d: Diagnostic): string {
  const at = d.range ? `${d.range.start.line}:${d.range.start.column}` : d.pointer;
  return `${d.file}:${at} [${d.ruleId}] ${d.message}`;
}

/** The agent's name with an environment suffix removed: refund-agent-staging -> refund-agent. */
function nameStem(name: string, environment: string): string {
  return name.endsWith(`-${environment}`) ? name.slice(0, -environment.length - 1) : name;
}

describe('the example policy repository (policies/)', () => {
  it('validates without a single diagnostic', () => {
    expect(result.diagnostics.map(describeDiagnostic)).toEqual([]);
  });

  it('loads every file it holds', () => {
    expect(result.documents).toHaveLength(result.files.length);
    expect(index.config).toBeDefined();
  });

  it('is big enough to teach: agents, platforms, systems, templates and tiers', () => {
    expect(index.agents.length).toBeGreaterThanOrEqual(8);
    expect(new Set(index.agents.map((a) => a.data.spec.platform)).size).toBeGreaterThanOrEqual(4);
    expect(index.systems.size).toBeGreaterThanOrEqual(6);
    expect(index.templates.size).toBeGreaterThanOrEqual(4);
    expect(index.tiers.size).toBeGreaterThanOrEqual(3);
  });

  it('uses every one of the six modes in some grant', () => {
    const used = new Set(index.agents.flatMap((a) => index.grantSites(a).map((s) => s.grant.mode)));
    expect([...used].sort()).toEqual([...MODES].sort());
  });

  it('has a staging twin of a production agent, with its own credential', () => {
    const production = index.agents.filter((a) => index.isProduction(a.data.spec.environment));
    const twins = index.agents
      .filter((a) => !index.isProduction(a.data.spec.environment))
      .flatMap((staging) => {
        const stem = nameStem(staging.name, staging.data.spec.environment);
        const prod = production.find(
          (p) => p.name !== staging.name && nameStem(p.name, p.data.spec.environment) === stem,
        );
        return prod ? [{ staging, prod }] : [];
      });
    expect(twins.length).toBeGreaterThanOrEqual(1);
    for (const { staging, prod } of twins) {
      expect(staging.data.spec.identity.credentialRef).not.toBe(prod.data.spec.identity.credentialRef);
    }
  });

  it('uses every template', () => {
    const used = new Set(
      index.agents.flatMap((a) =>
        (a.data.spec.grants ?? []).flatMap((g) => ('template' in g ? [g.template] : [])),
      ),
    );
    const unused = [...index.templates.keys()].filter((t) => !used.has(t));
    expect(unused).toEqual([]);
  });

  it('starts every file with a schema line for editors', () => {
    for (const file of result.files) {
      const kind = result.documents.find((d) => d.file === file.path)!.kind;
      const schema = {
        Config: 'config',
        Agent: 'agent',
        Template: 'template',
        RiskTier: 'risk-tier',
        System: 'system',
      }[kind];
      const up = file.path.includes('/') ? '../../' : '../';
      expect(file.text.split('\n')[0], file.path).toBe(
        `# yaml-language-server: $schema=${up}schemas/${schema}.schema.json`,
      );
    }
  });
});
