import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditPathError, auditLogPath } from '../../src/audit/path.js';
import { validateAgainstSchema } from '../../src/schema/validate-schema.js';

const base = mkdtempSync(join(tmpdir(), 'leash-audit-path-'));
const outside = mkdtempSync(join(tmpdir(), 'leash-audit-elsewhere-'));
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});
const real = realpathSync(base);

describe('auditLogPath', () => {
  it('defaults to .leash/audit.jsonl beside leash.yaml, and follows spec.audit.path', () => {
    expect(auditLogPath(base, undefined)).toBe(join(real, '.leash/audit.jsonl'));
    expect(auditLogPath(base, {})).toBe(join(real, '.leash/audit.jsonl'));
    expect(auditLogPath(base, { audit: { path: 'logs/leash/audit.jsonl' } })).toBe(
      join(real, 'logs/leash/audit.jsonl'),
    );
  });

  it.each([
    '/etc/audit.jsonl',
    '../audit.jsonl',
    'logs/../../audit.jsonl',
    './audit.jsonl',
    'a//b',
    '',
    'a\\..\\b',
  ])('rejects %j: absolute, or escaping the folder', (path) => {
    expect(() => auditLogPath(base, { audit: { path } })).toThrow(AuditPathError);
    expect(() => auditLogPath(base, { audit: { path } })).toThrow(/must be relative .* and stay inside it/);
  });

  it('rejects a path through a symbolic link that leads outside, and allows one that stays inside', () => {
    symlinkSync(outside, join(base, 'out'));
    expect(() => auditLogPath(base, { audit: { path: 'out/audit.jsonl' } })).toThrow(
      /leads outside .* through a symbolic link/,
    );
    mkdirSync(join(base, 'inside'));
    symlinkSync(join(base, 'inside'), join(base, 'alias'));
    expect(auditLogPath(base, { audit: { path: 'alias/audit.jsonl' } })).toBe(
      join(real, 'alias/audit.jsonl'),
    );
  });
});

describe('spec.audit in the Config schema', () => {
  const config = (audit: unknown) => ({
    apiVersion: 'leash/v1',
    kind: 'Config',
    metadata: { name: 'x' },
    spec: { audit },
  });

  it('accepts a relative path inside the repository', () => {
    expect(validateAgainstSchema('Config', 'leash.yaml', config({ path: 'records/audit.jsonl' }))).toEqual(
      [],
    );
    expect(validateAgainstSchema('Config', 'leash.yaml', config({}))).toEqual([]);
  });

  it.each([
    [{ path: '/var/log/audit.jsonl' }, '/spec/audit/path'],
    [{ path: '../audit.jsonl' }, '/spec/audit/path'],
    [{ path: 'a/./b' }, '/spec/audit/path'],
    [{ path: 'a/..' }, '/spec/audit/path'],
    [{ path: 3 }, '/spec/audit/path'],
    [{ file: 'x' }, '/spec/audit/file'],
  ])('rejects %j at %s', (audit, pointer) => {
    const diagnostics = validateAgainstSchema('Config', 'leash.yaml', config(audit));
    expect(diagnostics.map((d) => d.pointer)).toEqual([pointer]);
  });
});
