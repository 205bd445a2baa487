import { describe, expect, it } from 'vitest';
import type { BlastRadius } from '../../src/diff/types.js';
import {
  BLAST_FORMATTERS,
  BLAST_RADIUS_MARKER,
  DEFAULT_MAX_LENGTH,
  formatBlastJson,
  formatBlastMarkdown,
  formatBlastText,
} from '../../src/report/blast.js';
import { escapeMarkdown, safeUrl } from '../../src/report/blast-escape.js';
import {
  agent,
  change,
  emptyRadius,
  largeRadius,
  perm,
  realisticRadius,
  removalOnlyRadius,
  seededRandom,
} from './blast-fixtures.js';

const SHORTENED = 'This comment is shortened';
const RUN_LOCALLY = 'run `leash diff` locally';

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('blast radius formatters: snapshots', () => {
  it('markdown (the PR comment)', async () => {
    const md = formatBlastMarkdown(realisticRadius(), {
      detailsUrl: 'https://github.com/acme/policies/actions/runs/42',
      toolVersion: '0.1.0',
      signoff:
        '**Sign-off required:** 1 of `payments-approvers` (rule `critical-financial`).\n\n- [ ] pending',
    });
    await expect(md).toMatchFileSnapshot('./__snapshots__/blast.md');
  });

  it('text', async () => {
    await expect(formatBlastText(realisticRadius())).toMatchFileSnapshot('./__snapshots__/blast.txt');
  });

  it('json', async () => {
    await expect(formatBlastJson(realisticRadius())).toMatchFileSnapshot('./__snapshots__/blast.json');
  });

  it('markdown of a removal-only change', async () => {
    await expect(formatBlastMarkdown(removalOnlyRadius(), { toolVersion: '0.1.0' })).toMatchFileSnapshot(
      './__snapshots__/blast-reduction.md',
    );
  });

  it('markdown of no change', async () => {
    await expect(formatBlastMarkdown(emptyRadius(), { toolVersion: '0.1.0' })).toMatchFileSnapshot(
      './__snapshots__/blast-empty.md',
    );
  });

  it('markdown shortened to fit', async () => {
    const md = formatBlastMarkdown(largeRadius({ count: 40, changes: 6 }), {
      maxLength: 12_000,
      detailsUrl: 'https://github.com/acme/policies/actions/runs/42',
      toolVersion: '0.1.0',
    });
    expect(md.length).toBeLessThanOrEqual(12_000);
    await expect(md).toMatchFileSnapshot('./__snapshots__/blast-shortened.md');
  });
});

describe('BLAST_FORMATTERS', () => {
  it('has text, json and markdown, each deterministic', () => {
    expect(Object.keys(BLAST_FORMATTERS).sort()).toEqual(['json', 'markdown', 'text']);
    for (const format of Object.values(BLAST_FORMATTERS)) {
      const a = format(realisticRadius(), {});
      const b = format(realisticRadius(), {});
      expect(a).toBe(b);
      expect(a.endsWith('\n')).toBe(true);
    }
  });
});

describe('json', () => {
  it('is { formatVersion: 1, ...radius }, pretty-printed', () => {
    const radius = realisticRadius();
    const out = formatBlastJson(radius);
    expect(JSON.parse(out)).toEqual(radius);
    expect(out.startsWith('{\n  "formatVersion": 1,\n')).toBe(true);
  });

  it('does not depend on the order the radius was built in', () => {
    const radius = realisticRadius();
    const reversed = reverseKeys(radius) as BlastRadius;
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(radius));
    expect(formatBlastJson(reversed)).toBe(formatBlastJson(radius));
  });
});

describe('text', () => {
  it('lists each change as a line a terminal reader scans', () => {
    const out = formatBlastText(realisticRadius());
    const lines = out.split('\n');
    expect(lines[0]).toBe(realisticRadius().headline);
    expect(out).toMatch(
      /^ {2}\+ gained {4}payments\/refund\.issue {2}execute-gated {2}\(critical, financial, irreversible · payment, pii\)$/m,
    );
    expect(out).toMatch(
      /^ {2}↑ widened {3}crm\/case\.update +draft-only → execute-limited .*: mode draft-only/m,
    );
    expect(out).toMatch(/^ {2}↓ narrowed {2}crm\/case\.read/m);
    expect(out).toMatch(/^ {2}- lost {6}kb\/article\.publish/m);
    expect(out).toContain('tier standard → high-impact');
    expect(out).toContain('template support reaches 3 agents: faq-bot, triage-bot, voice-agent');
    expect(out).toContain('7 agents unchanged');
    expect(out).toMatch(/^ {2}agents\/broken\.yaml:3:5 {2}error {3}bad indentation/m);
    expect(out).toContain(
      '! governance: leash.yaml changed; approval rules changed; tiers changed: high-impact',
    );
  });

  it('lists riskiest agents first', () => {
    const out = formatBlastText(realisticRadius());
    const order = ['refund-agent', 'triage-bot', 'voice-agent', 'faq-bot'].map((n) =>
      out.search(new RegExp(`^${n} `, 'm')),
    );
    expect(order.every((pos, i) => pos > 0 && (i === 0 || pos > order[i - 1]!))).toBe(true);
  });

  it('colours only when asked', () => {
    expect(formatBlastText(realisticRadius())).not.toContain('\u001b[');
    expect(formatBlastText(realisticRadius(), { color: true })).toContain('\u001b[31m');
  });

  it('shows terminal control sequences in names as visible escapes', () => {
    const radius = realisticRadius();
    radius.agents[0]!.name = 'evil\u001b[2J\u001b]0;pwned\u0007\u202egnp.exe\nsecond line';
    const out = formatBlastText(radius);
    // eslint-disable-next-line no-control-regex -- asserting control characters are gone
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(out).toContain('evil\\x1b[2J\\x1b]0;pwned\\x07\\u202egnp.exe\\nsecond line');
  });

  it('reads a removal-only change as a reduction, and no change as no change', () => {
    const reduction = formatBlastText(removalOnlyRadius());
    expect(reduction).toContain('only reductions');
    expect(reduction).not.toContain('+ gained');
    expect(formatBlastText(emptyRadius())).toContain('no change in access');
  });
});

describe('markdown', () => {
  const md = () =>
    formatBlastMarkdown(realisticRadius(), {
      detailsUrl: 'https://ci.example/run/1',
      signoff: 'needs **1** approval',
    });

  it('starts with the marker on its own line, once', () => {
    for (const out of [md(), formatBlastMarkdown(emptyRadius()), formatBlastMarkdown(removalOnlyRadius())]) {
      expect(out.split('\n')[0]).toBe(BLAST_RADIUS_MARKER);
      expect(count(out, BLAST_RADIUS_MARKER)).toBe(1);
      expect(count(out, '<!-- leash:')).toBe(1);
    }
  });

  it('keeps the marker unique even when the sign-off quotes it', () => {
    const out = formatBlastMarkdown(realisticRadius(), { signoff: `see ${BLAST_RADIUS_MARKER} above` });
    expect(count(out, BLAST_RADIUS_MARKER)).toBe(1);
    expect(out.split('\n')[0]).toBe(BLAST_RADIUS_MARKER);
  });

  it('has the headline, the overall risk and a summary table of changed agents', () => {
    const out = md();
    const lines = out.split('\n');
    expect(lines[1]).toBe(`**${realisticRadius().headline}**`);
    expect(out).toContain('**Risk: 🔴 critical** (score 87)');
    expect(out).toContain('| agent | environment | change | gained | lost | widened | narrowed | risk |');
    expect(out).toContain(
      '| <code>refund-agent</code> | <code>production</code> | changed · tier <code>standard</code> → <code>high-impact</code> | 1 | 0 | 0 | 0 | 🔴 critical (87) |',
    );
    expect(out).toContain(
      '| <code>faq-bot</code> | <code>staging</code> | reduced | 0 | 1 | 0 | 1 | ⚪ none (0) |',
    );
  });

  it('calls out governance changes prominently, before the agents', () => {
    const out = md();
    const gov = out.indexOf('> [!IMPORTANT]');
    expect(gov).toBeGreaterThan(0);
    expect(gov).toBeLessThan(out.indexOf('### Changed agents'));
    expect(out).toContain('**This change edits the rules themselves.**');
    expect(out).toContain('> - <code>leash.yaml</code> changed');
    expect(out).toContain('> - approval rules changed');
    expect(out).toContain('> - risk tier changed: <code>high-impact</code>');
    expect(out).not.toContain('approver groups changed');
  });

  it('calls out new systems, data classes and critical, financial, irreversible, external actions', () => {
    const out = md();
    expect(out).toContain('- 🆕 **new systems**: <code>payments</code>');
    expect(out).toContain('- 🔐 **new data classes**: <code>payment</code>');
    expect(out).toContain('- 🔥 **critical** actions: <code>payments/refund.issue</code>');
    expect(out).toContain('- 💰 **financial** actions: <code>payments/refund.issue</code>');
    expect(out).toContain('- ⛔ **irreversible** actions: <code>payments/refund.issue</code>');
    expect(out).toContain(
      '- 📤 **external** actions (send outside the company): <code>telephony/call.place</code>',
    );
  });

  it('shows reductions as reductions', () => {
    const out = md();
    expect(out).toContain('| ➖ lost | <code>kb/article.publish</code> | draft-only |');
    expect(out).toContain('| ⬇️ narrowed | <code>crm/case.read</code> | read-only |');
    expect(out).toContain('Access is only reduced here.');
  });

  it('shows document fan-out, the unchanged count, diagnostics and the sign-off', () => {
    const out = md();
    expect(out).toContain(
      '- template <code>support</code> modified (<code>templates/support.yaml</code>) → reaches **3 agents**: ' +
        '<code>faq-bot</code>, <code>triage-bot</code>, <code>voice-agent</code>',
    );
    expect(out).toContain('**7 other agents unchanged.**');
    expect(out).toContain('- <code>agents/broken.yaml:3:5</code> error: bad indentation of a mapping entry');
    expect(out).toContain('### Sign-off\n\nneeds **1** approval');
    expect(out.indexOf('### Sign-off')).toBeLessThan(out.indexOf('<sub>Blast radius by leash'));
  });

  it('opens the tables of high-risk agents and collapses the rest', () => {
    const out = md();
    expect(out).toContain('<details open><summary>1 permission change: 1 gained</summary>');
    expect(out).toContain('<details><summary>2 permission changes: 1 narrowed, 1 lost</summary>');
    expect(count(out, '<details')).toBe(count(out, '</details>'));
  });

  it('reads a removal-only radius as a reduction', () => {
    const out = formatBlastMarkdown(removalOnlyRadius());
    expect(out).toContain('✅ **Reduction only**');
    expect(out).toContain('➖ removed');
    expect(out).toContain('The agent is removed: everything it held is taken away.');
    expect(out).not.toContain('➕');
    expect(out).not.toContain('⬆️');
    expect(out).not.toContain('[!IMPORTANT]');
  });

  it('says "no change in access" for an empty radius', () => {
    const out = formatBlastMarkdown(emptyRadius());
    expect(out).toContain('✅ **No change in access**');
    expect(out).not.toContain('### Changed agents');
    expect(out).toContain('9 agents unchanged.');
  });

  it('links the full report only for http(s) URLs', () => {
    expect(md()).toContain('[full report](https://ci.example/run/1)');
    const bad = formatBlastMarkdown(realisticRadius(), { detailsUrl: 'javascript:alert(1)' });
    expect(bad).not.toContain('javascript');
    expect(safeUrl('https://x.example/a b(c)?q=1&r=<2>')).toBe(
      'https://x.example/a%20b%28c%29?q=1&amp;r=%3C2%3E',
    );
    expect(safeUrl('https://user:pw@x.example/')).toBeUndefined();
    expect(safeUrl('not a url')).toBeUndefined();
  });
});

describe('markdown escaping', () => {
  const hostile = {
    html: '<img src=x onerror=alert(1)>',
    pipe: 'a | b',
    backticks: '```\nrm -rf / `x`',
    mention: '@octocat and @acme/security',
    issue: 'fixes #123 and GH-45 and acme/repo#7',
    link: '[click](javascript:alert(1))',
    newline: 'evil\n| injected | row |\n\n# heading',
    marker: BLAST_RADIUS_MARKER,
    comment: '--> <!-- x',
    details: '</details></summary><script>alert(1)</script>',
    url: 'see https://evil.example/login and www.evil.example',
    bidi: 'safe\u202eexe.txt',
    emphasis: '**bold** _it_ ~~gone~~ $x^2$ \\*',
    list: '- item',
    ordered: '1. item',
  };
  const all = Object.values(hostile).join(' ');

  /** A radius with hostile text in every user-controlled field. */
  function hostileRadius(): BlastRadius {
    const radius = realisticRadius();
    const a = radius.agents[0]!;
    a.name = all;
    a.owner = hostile.mention;
    a.environment = hostile.pipe;
    a.file = hostile.newline;
    a.tier = { before: hostile.html, after: hostile.details };
    a.risk.reasons = Object.values(hostile);
    a.newSystems = [hostile.link, hostile.issue];
    a.newCritical = [hostile.backticks];
    a.causes = [hostile.url, hostile.bidi];
    const g = a.gained[0]!;
    const p = perm('payments/refund.issue', { risk: 'critical', dataClasses: [hostile.emphasis] });
    p.system = hostile.html;
    p.resource = hostile.pipe;
    p.action = hostile.link;
    g.after = p;
    g.system = hostile.html;
    g.resource = hostile.pipe;
    g.action = hostile.link;
    g.details = Object.values(hostile);
    g.facts = { viaWildcard: hostile.newline };
    const w = radius.agents[1]!.widened[0]!;
    w.details = Object.values(hostile);
    radius.headline = all;
    radius.base.revision = hostile.html;
    radius.head.revision = hostile.link;
    radius.risk.reasons = [hostile.list, hostile.ordered, hostile.mention];
    radius.governance.tiersChanged = [hostile.issue, hostile.pipe];
    radius.documents[4]!.name = hostile.details;
    radius.documents[4]!.agents = [hostile.mention, hostile.html];
    radius.documents[4]!.previousFile = hostile.link;
    radius.diagnostics[0]!.message = hostile.newline;
    radius.diagnostics[0]!.file = hostile.html;
    radius.diagnostics[0]!.ruleId = hostile.backticks;
    radius.diagnostics[0]!.hint = hostile.url;
    return radius;
  }

  const out = formatBlastMarkdown(hostileRadius(), { detailsUrl: 'https://ci.example/run/1' });

  it('leaves no raw HTML from user text', () => {
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).not.toContain('</summary><');
    expect(count(out, '<details')).toBe(count(out, '</details>'));
    expect(count(out, '<summary>')).toBe(count(out, '</summary>'));
    expect(out).not.toContain('-->  <!--');
    expect(count(out, '<!--')).toBe(1);
    expect(count(out, '-->')).toBe(1);
  });

  it('keeps table rows intact: no raw pipe or newline from user text', () => {
    const rows = out.split('\n').filter((l) => l.startsWith('| '));
    for (const row of rows) {
      const cells = count(row, '|') - 1;
      expect([5, 8]).toContain(cells);
    }
    expect(out).not.toMatch(/^\| injected/m);
    expect(out).not.toMatch(/^# heading/m);
    expect(out).not.toContain('a | b');
  });

  it('neutralises backticks, emphasis, math and escapes', () => {
    expect(out).not.toContain(hostile.backticks);
    expect(out).not.toContain('```');
    // Only the backticks of our own `leash diff` remain.
    expect(count(out, '`')).toBe(2 * count(out, '`leash diff`'));
    expect(out).not.toContain('**bold**');
    expect(out).not.toContain('~~gone~~');
    expect(out).not.toContain('$x^2$');
    expect(out).not.toContain('\\*');
  });

  it('pings no one and links no issue', () => {
    expect(out).not.toMatch(/@[a-z0-9]/i);
    expect(out).not.toMatch(/(?<!&)#\d/);
    expect(out).not.toContain('#123');
    expect(out).not.toMatch(/GH-\d/i);
  });

  it('makes no link from user text', () => {
    expect(out).not.toContain('[click]');
    expect(out).not.toContain('](javascript:');
    expect(out).not.toContain('https://evil');
    expect(out).not.toContain('www.evil');
    // The only links are ours.
    expect(out.match(/\]\(/g)?.length).toBe(count(out, '](https://ci.example/run/1)'));
  });

  it('opens no list or heading from user text at the start of a line', () => {
    expect(out).not.toMatch(/^- - item/m);
    expect(out).not.toMatch(/^- 1\. item/m);
    expect(escapeMarkdown('- item')).toBe('&#45; item');
    expect(escapeMarkdown('1. item')).toBe('1&#46; item');
    expect(escapeMarkdown('+30 points')).toBe('+30 points');
  });

  it('drops bidi overrides and control characters', () => {
    // eslint-disable-next-line no-control-regex -- asserting control characters are gone
    expect(out).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0000-\u0008\u000b-\u001f]/);
  });

  it('shows hostile text as text', () => {
    expect(escapeMarkdown(hostile.html)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeMarkdown(hostile.pipe)).toBe('a &#124; b');
    expect(escapeMarkdown('@octocat')).toBe('@\u200doctocat');
    expect(escapeMarkdown('#123')).toBe('#\u200d123');
    expect(escapeMarkdown(hostile.link)).toBe('&#91;click&#93;(javascript:alert(1))');
    expect(escapeMarkdown('a\nb\r\nc')).toBe('a b c');
  });

  it('escapes the sign-off of nothing but the marker (it is trusted markdown)', () => {
    const signed = formatBlastMarkdown(realisticRadius(), { signoff: '- [x] @acme/payments approved' });
    expect(signed).toContain('- [x] @acme/payments approved');
  });
});

describe('markdown length limit', () => {
  it('fits 5,000 changed agents into the default limit and says what it left out', () => {
    const radius = largeRadius({ count: 5_000, changes: 4 });
    const out = formatBlastMarkdown(radius);
    expect(out.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    expect(out.split('\n')[0]).toBe(BLAST_RADIUS_MARKER);
    expect(out).toContain(SHORTENED);
    expect(out).toContain(RUN_LOCALLY);
    expect(out).toMatch(/Left out: .*the sections of all 5,000 agents; [\d,]+ rows of the summary table/);
    expect(out).toMatch(/_…and [\d,]+ more changed agents not listed here; run `leash diff` locally/);
    // The summary table keeps the riskiest agents.
    expect(out).toContain(`| <code>${radius.agents[0]!.name}</code> |`);
    expect(out).not.toContain(`| <code>${radius.agents[4_999]!.name}</code> |`);
  });

  it('fits names of 10,000 characters', () => {
    const radius = largeRadius({ count: 50, nameLength: 10_000, changes: 2 });
    radius.documents[0]!.name = 'n'.repeat(10_000);
    radius.headline = '<'.repeat(10_000);
    radius.diagnostics = [
      {
        ruleId: 'schema',
        severity: 'error',
        message: '|'.repeat(10_000),
        file: `agents/${'@'.repeat(10_000)}.yaml`,
        pointer: '',
      },
    ];
    const out = formatBlastMarkdown(radius, { detailsUrl: 'https://ci.example/run/1' });
    expect(out.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    // Names, reasons and messages are clipped: no 10,000-character run survives.
    expect(out).not.toMatch(/(x|n|<|&lt;|\|){400}/);
    expect(out).not.toContain('&#124;'.repeat(401));
    expect(out).toContain('…');
    // Every agent is still in the summary table.
    expect(out.split('\n').filter((l) => l.startsWith('| <code>agent-')).length).toBe(50);
  });

  it('drops the tables of lower-risk agents first, then their sections, keeping the summary table', () => {
    // 60 agents, riskiest first: 24 at high or critical risk, each with 40 permission changes.
    const radius = largeRadius({ count: 60, changes: 40 });
    const high = radius.agents.filter((a) => a.risk.level === 'high' || a.risk.level === 'critical').length;
    expect(high).toBe(24);
    const full = formatBlastMarkdown(radius, { maxLength: Infinity });
    expect(full).not.toContain(SHORTENED);
    expect(full.length).toBeGreaterThan(DEFAULT_MAX_LENGTH);
    const out = formatBlastMarkdown(radius, { detailsUrl: 'https://ci.example/run/1' });
    expect(out.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    expect(out).toContain(SHORTENED);
    expect(out).toMatch(
      /Left out: the permission tables of \d+ agents; the sections of 36 agents after the riskiest 24\./,
    );
    expect(out).toContain('see the [full report](https://ci.example/run/1)');
    // Every agent is still in the summary table.
    for (const a of radius.agents) expect(out).toContain(`| <code>${a.name}</code> |`);
    // Every high-risk agent keeps its section; the riskiest keeps its table; lower-risk sections go.
    const headings = out.split('\n').filter((l) => l.startsWith('#### '));
    expect(headings).toHaveLength(24);
    const first = out.indexOf(`#### 🔴 <code>${radius.agents[0]!.name}</code>`);
    expect(first).toBeGreaterThan(0);
    expect(out.indexOf('<details open>', first)).toBeGreaterThan(first);
    expect(out.indexOf('<details open>', first)).toBeLessThan(out.indexOf('#### ', first + 1));
    expect(out).toContain('(table left out to fit the comment)');
    expect(out).toContain(
      '_Sections for 36 more agents are left out to fit the comment (they are in the summary table above)',
    );
  });

  it('with a little less room, keeps the lower-risk sections and drops only their tables', () => {
    const radius = largeRadius({ count: 30, changes: 4 });
    const full = formatBlastMarkdown(radius, { maxLength: Infinity });
    const out = formatBlastMarkdown(radius, { maxLength: full.length - 2_000 });
    expect(out).toMatch(/Left out: the permission tables of \d+ agents\.\n/);
    expect(out.split('\n').filter((l) => l.startsWith('#### '))).toHaveLength(30);
    // The lowest-risk agent lost its table, the riskiest kept it.
    expect(out).toContain('(table left out to fit the comment)');
    const last = out.indexOf(`<code>${radius.agents[29]!.name}</code>\n`);
    expect(out.slice(last)).not.toContain('<details');
  });

  it('replaces a sign-off too long for any comment with a note', () => {
    const out = formatBlastMarkdown(realisticRadius(), { signoff: 'x'.repeat(100_000) });
    expect(out.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    expect(out).toContain('The sign-off section (100,000 characters) is too long for this comment');
    expect(out).toContain('the sign-off section');
  });

  it('never exceeds maxLength, and says when it shortened (random sizes)', () => {
    const random = seededRandom(20261122);
    for (let run = 0; run < 40; run++) {
      const radius = largeRadius({
        count: Math.floor(random() * 400),
        changes: 1 + Math.floor(random() * 25),
        nameLength: 1 + Math.floor(random() * 2_000),
        seed: run,
      });
      if (random() < 0.3) radius.agents.forEach((a) => (a.name = `<b>@x|${a.name}\n#1`));
      const maxLength = 2_000 + Math.floor(random() * 68_000);
      const detailsUrl = random() < 0.5 ? 'https://ci.example/run/7' : undefined;
      const signoff = random() < 0.5 ? 's'.repeat(Math.floor(random() * 5_000)) : undefined;
      const options = { maxLength, detailsUrl, signoff };
      const out = formatBlastMarkdown(radius, options);
      const full = formatBlastMarkdown(radius, { ...options, maxLength: Infinity });
      expect(out.length, `run ${run}`).toBeLessThanOrEqual(maxLength);
      expect(out.split('\n')[0]).toBe(BLAST_RADIUS_MARKER);
      expect(count(out, BLAST_RADIUS_MARKER)).toBe(1);
      if (full.length > maxLength) {
        expect(out, `run ${run}`).toContain(SHORTENED);
        expect(out).toContain(detailsUrl ? '[full report](https://ci.example/run/7)' : RUN_LOCALLY);
      } else {
        expect(out).toBe(full);
      }
      expect(count(out, '<details')).toBe(count(out, '</details>'));
    }
  });

  it('stays within even an absurdly small limit', () => {
    for (const maxLength of [0, 10, 100, 500]) {
      expect(formatBlastMarkdown(realisticRadius(), { maxLength }).length).toBeLessThanOrEqual(maxLength);
    }
  });

  it('is deterministic for large input', () => {
    const radius = largeRadius({ count: 2_000, changes: 3 });
    expect(formatBlastMarkdown(radius)).toBe(formatBlastMarkdown(largeRadius({ count: 2_000, changes: 3 })));
  });
});

describe('permission details', () => {
  it('describes a gained permission: fields, conditions, expiry, template, wildcard', () => {
    const p = perm('crm/case.update', {
      mode: 'execute-limited',
      fields: ['email'],
      conditions: {
        maxAmount: { value: 50, currency: 'USD' },
        rateLimit: { count: 5, per: 'minute' },
        schedule: { hours: '09:00-17:00', days: ['mon', 'tue'], timezone: 'Europe/Berlin' },
        freezeWindows: [{ from: '2026-12-20', to: '2027-01-02' }],
      },
    });
    p.sources = [
      {
        file: 'agents/a.yaml',
        pointer: '/spec/grants/0',
        resourcePattern: 'ca*',
        template: { name: 'support', file: 'templates/support.yaml', pointer: '/spec/grants/1' },
      },
    ];
    const radius = emptyRadius({
      agents: [agent('a', { gained: [change('gained', undefined, p, [], { viaWildcard: 'ca*' })] })],
      headline: '1 agent gains access',
    });
    const out = formatBlastMarkdown(radius);
    expect(out).toContain(
      'fields email<br>max 50 USD per call<br>5 calls per minute<br>hours 09:00-17:00 mon, tue Europe/Berlin<br>' +
        '1 freeze window<br>no expiry<br>…and 2 more',
    );
    expect(formatBlastText(radius)).toContain(': via wildcard ca*');
  });

  it('caps a long table and says how many rows it left out', () => {
    const radius = largeRadius({ count: 1, changes: 55 });
    const out = formatBlastMarkdown(radius);
    expect(out).toContain('_…and 15 more permission changes; run `leash diff` locally for the full report._');
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}
