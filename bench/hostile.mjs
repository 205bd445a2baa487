// Builds one small repository per hostile input for the benchmark's time and memory probe.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const agent = (name, extra = '') => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: team
  platform: internal
  environment: production
  tier: standard
  identity: { kind: service-account, credentialRef: vault://kv/agents/${name} }
${extra}`;

export function hostileCases(base) {
  rmSync(base, { recursive: true, force: true });
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const p = String.fromCharCode(97 + i - 1);
    const n = String.fromCharCode(97 + i);
    laughs.push(
      `${n}: &${n} [${Array(9)
        .fill('*' + p)
        .join(',')}]`,
    );
  }
  const cases = [
    ['alias bomb (billion laughs)', 'agents/x.yaml', laughs.join('\n') + '\n', 'alias-limit'],
    ['duplicate keys', 'agents/x.yaml', agent('x') + 'spec: {}\n', 'duplicate-key'],
    ['%YAML directive', 'agents/x.yaml', '%YAML 1.1\n---\n' + agent('x'), 'yaml-directive'],
    [
      '%TAG directive',
      'agents/x.yaml',
      '%TAG !e! tag:example.com,2000:\n---\n' + agent('x'),
      'yaml-directive',
    ],
    [
      'unknown tag',
      'agents/x.yaml',
      agent('x').replace('owner: team', 'owner: !!python/object:os.system team'),
      'unknown-tag',
    ],
    ['__proto__ key', 'agents/x.yaml', agent('x') + '  __proto__: { polluted: true }\n', 'forbidden-key'],
    ['64 MiB file', 'agents/x.yaml', null, 'file-too-large'],
    [
      'flow nesting 500k deep',
      'agents/x.yaml',
      '['.repeat(500_000) + ']'.repeat(500_000),
      'nesting-too-deep',
    ],
    ['block nesting 300k deep', 'agents/x.yaml', '- '.repeat(300_000) + 'x\n', 'nesting-too-deep'],
    ['symlink to /etc/passwd', 'agents/x.yaml', 'symlink', 'symlink'],
    ['submodule', 'agents/x.yaml', 'submodule', 'submodule'],
    [
      'path in a reference',
      'agents/x.yaml',
      agent('x') + '  grants:\n    - template: ../../etc/passwd\n',
      'unsafe-reference',
    ],
    [
      'confusable name',
      'agents/x.yaml',
      agent('x').replace('tier: standard', 'tier: stаndard'),
      'invalid-name',
    ],
    [
      '.inf number',
      'agents/x.yaml',
      agent('x') +
        '  grants:\n    - { system: s, resource: r, actions: [a], mode: read-only, when: { maxAmount: { value: .inf, currency: EUR } } }\n',
      'non-finite-number',
    ],
    ['name differs from file', 'agents/x.yaml', agent('y'), 'name-mismatch'],
    ['wrong apiVersion', 'agents/x.yaml', agent('x').replace('leash/v1', 'leash/v9'), 'api-version'],
    ['wrong kind', 'agents/x.yaml', agent('x').replace('kind: Agent', 'kind: Agnet'), 'unknown-kind'],
  ];
  return cases.map(([name, file, text, expect], i) => {
    const dir = join(base, String(i).padStart(2, '0'));
    mkdirSync(join(dir, 'agents'), { recursive: true });
    const path = join(dir, file);
    if (text === null) writeFileSync(path, Buffer.alloc(64 * 1024 * 1024, 0x61));
    else if (text === 'symlink') symlinkSync('/etc/passwd', path);
    else if (text === 'submodule') mkdirSync(join(dir, 'agents/vendor/.git'), { recursive: true });
    else writeFileSync(path, text);
    return { name, dir, expect };
  });
}
