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

/** Lines from line(i) up to just under the file size limit. */
function fill(line, reserve = 2, limit = 128 * 1024) {
  const out = [];
  let size = 0;
  for (let i = 0; ; i++) {
    const l = line(i);
    if (size + l.length > limit - reserve) return out.join('');
    out.push(l);
    size += l.length;
  }
}

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
    ['flow nesting 60k deep', 'agents/x.yaml', '['.repeat(60_000) + ']'.repeat(60_000), 'nesting-too-deep'],
    ['block nesting 60k deep', 'agents/x.yaml', '- '.repeat(60_000) + 'x\n', 'nesting-too-deep'],
    // Near the 128 KiB cap: the shapes slowest for a YAML parser, each with a problem to locate.
    ['128 KiB of keys', 'agents/x.yaml', fill((i) => `k${i}: v\n`), 'api-version'],
    ['128 KiB flow mapping', 'agents/x.yaml', `{${fill((i) => `k${i}: 1,`, 4)}}`, 'api-version'],
    ['128 KiB flow sequence', 'agents/x.yaml', `[${'1,'.repeat(62_000)}1]`, 'invalid-document'],
    ['128 KiB of tags', 'agents/x.yaml', fill((i) => `k${i}: !t${i} x\n`), 'file-too-large'],
    ['31 KiB of tags', 'agents/x.yaml', fill((i) => `k${i}: !t${i} x\n`, 2, 31 * 1024), 'unknown-tag'],
    ['128 KiB of explicit keys', 'agents/x.yaml', fill((i) => `? k${i}\n`), 'file-too-large'],
    ['31 KiB of explicit keys', 'agents/x.yaml', fill((i) => `? k${i}\n`, 2, 31 * 1024), 'api-version'],
    ['128 KiB of anchors', 'agents/x.yaml', fill((i) => `k${i}: &a${i} x\n`), 'file-too-large'],
    ['31 KiB of anchors', 'agents/x.yaml', fill((i) => `k${i}: &a${i} x\n`, 2, 31 * 1024), 'api-version'],
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
