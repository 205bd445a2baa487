import { describe, expect, it } from 'vitest';
import { SettingsError, readSettings } from '../../src/action/settings.js';

const ENV = {
  GITHUB_WORKSPACE: '/home/runner/work/policy/policy',
  GITHUB_ACTOR: 'amara-okafor-nw',
  GITHUB_SERVER_URL: 'https://github.example.com',
};

function settings(inputs: Record<string, string>, env: Record<string, string> = ENV) {
  const all: Record<string, string> = { token: 't', 'state-branch': 'leash-state', ...inputs };
  return readSettings((name) => all[name] ?? '', env);
}

describe('the action inputs', () => {
  it('reads sync with the state branch, the actor and the server', () => {
    expect(settings({ command: 'sync', path: 'policies' })).toMatchObject({
      command: 'sync',
      path: '/home/runner/work/policy/policy/policies',
      stateBranch: 'leash-state',
      actor: 'amara-okafor-nw',
      serverUrl: 'https://github.example.com',
    });
  });

  it('an empty state-branch keeps no state', () => {
    expect(settings({ command: 'sync', 'state-branch': '' })).not.toHaveProperty('stateBranch');
  });

  it('reads kill with its agent and reason', () => {
    expect(settings({ command: 'kill', agent: 'service-agent', reason: '  leaked token ' })).toMatchObject({
      command: 'kill',
      agent: 'service-agent',
      reason: 'leaked token',
    });
  });

  it.each([
    [{ command: 'kill', reason: 'x' }, /input agent is required for command kill/],
    [
      { command: 'kill', agent: 'Service_Agent', reason: 'x' },
      /input agent: "Service_Agent" is not an agent name/,
    ],
    [{ command: 'kill', agent: '../../etc/passwd', reason: 'x' }, /is not an agent name/],
    [{ command: 'kill', agent: 'service-agent', reason: '   ' }, /input reason is required for command kill/],
    [
      { command: 'kill', agent: 'service-agent', reason: 'x'.repeat(2001) },
      /input reason is over 2000 characters/,
    ],
    [
      { command: 'sync', 'state-branch': 'bad..name' },
      /input state-branch: 'bad..name' is not a branch name/,
    ],
    [{ command: 'sync', 'state-branch': '-f' }, /is not a branch name/],
    [{ command: 'deploy' }, /input command: 'deploy' is not one of check, approvals, sync, kill/],
  ])('refuses %j', (inputs, message) => {
    expect(() => settings(inputs)).toThrow(SettingsError);
    expect(() => settings(inputs)).toThrow(message);
  });

  it('does not ask sync for an agent or a reason', () => {
    const s = settings({ command: 'sync', agent: 'whatever', reason: '' });
    expect(s).not.toHaveProperty('agent');
    expect(s).not.toHaveProperty('reason');
  });
});
