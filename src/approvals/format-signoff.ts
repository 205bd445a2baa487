import type {
  FactName,
  IgnoreReason,
  IgnoredApproval,
  MatchedFact,
  Person,
  Requirement,
  RequirementOutcome,
  RequirementReason,
  SignoffRequirement,
  SignoffResult,
} from './types.js';

// Pure formatters for the computed sign-off, with or without the reviews' verdict. Long lists are
// cut (agents per reason, evidence per fact) so a PR comment stays well under GitHub's limit.

const MAX_AGENTS = 10;
const MAX_EVIDENCE = 3;
const MAX_IGNORED = 30;

const FACT_WORDS: Record<FactName, string> = {
  risks: 'risk',
  environments: 'environment',
  modes: 'mode',
  dataClasses: 'data',
  systems: 'system',
  tiers: 'tier',
  changes: 'change',
};

const IGNORE_WORDS: Record<IgnoreReason, string> = {
  superseded: 'replaced by a later review',
  'stale-commit': 'approves an earlier commit',
  'self-approval': 'the pull request’s author',
  pusher: 'pushed or authored commits in the pull request',
  bot: 'a bot or App, not a person',
  'no-user': 'the account no longer exists',
  'not-submitted': 'never submitted',
};

/** Terminal text: who must approve and why, and, given the reviews' verdict, who did. */
export function formatSignoffText(requirement: SignoffRequirement, result?: SignoffResult): string {
  const lines: string[] = [];
  const reqs = requirement.requirements;
  if (reqs.length === 0) {
    lines.push(`Sign-off: nothing required${emptyWhy(requirement)}`);
  } else if (result) {
    const met = result.requirements.filter((o) => o.met).length;
    lines.push(
      `Sign-off: ${result.met ? 'met' : 'NOT met'} (${met} of ${plural(reqs.length, 'requirement')} met on ${plain(short(result.headSha))}; ${pathWords(requirement, plain)})`,
    );
  } else {
    lines.push(`Sign-off required (${pathWords(requirement, plain)}):`);
  }
  for (const [i, req] of reqs.entries()) {
    const outcome = result?.requirements[i];
    const mark = outcome ? (outcome.met ? '✔ ' : '✖ ') : '• ';
    lines.push(
      `  ${mark}${plural(req.count, 'approval')} from ${labelText(req)}${outcomeText(outcome, personText)}`,
    );
    const who = approverSetText(req, plain);
    if (who && !outcome?.met) lines.push(`      may approve: ${who}`);
    if (req.problem) lines.push(`      problem: ${plain(req.problem)}`);
    for (const reason of req.reasons) lines.push(`      why: ${reasonText(reason, plain, plain)}`);
    if (outcome && !outcome.met && outcome.notInSet.length > 0) {
      lines.push(`      approved, but not in this set: ${outcome.notInSet.map(personText).join(', ')}`);
    }
  }
  if (result) lines.push(...resultExtrasText(result));
  for (const note of requirement.notes) lines.push(`  note: ${plain(note)}`);
  return lines.join('\n') + '\n';
}

/**
 * Markdown for the PR comment, placed under a "Sign-off" heading by the comment's author module
 * (so no heading here). Every piece of user text is escaped or in a code span; logins are code
 * spans, so the comment does not notify everyone it names each time it is updated.
 */
export function formatSignoffMarkdown(requirement: SignoffRequirement, result?: SignoffResult): string {
  const lines: string[] = [];
  const reqs = requirement.requirements;
  if (reqs.length === 0) {
    lines.push(`**No sign-off required**${emptyWhy(requirement)}`);
  } else if (result) {
    const met = result.requirements.filter((o) => o.met).length;
    lines.push(
      `${result.met ? '✅ **Sign-off met**' : '❌ **Sign-off not met**'}: ${met} of ${plural(reqs.length, 'requirement')} met on ${code(short(result.headSha))} (${pathWords(requirement, code)}).`,
    );
  } else {
    lines.push(`**Sign-off required** (${pathWords(requirement, code)}):`);
  }
  if (reqs.length > 0) lines.push('');
  for (const [i, req] of reqs.entries()) {
    const outcome = result?.requirements[i];
    const mark = outcome ? (outcome.met ? '✅ ' : '❌ ') : '';
    lines.push(
      `- ${mark}**${plural(req.count, 'approval')}** from ${labelMarkdown(req)}${outcomeText(outcome, personMarkdown)}`,
    );
    const who = approverSetText(req, code);
    if (who && !outcome?.met) lines.push(`  - may approve: ${who}`);
    if (req.problem) lines.push(`  - ⚠️ ${escapeMarkdown(req.problem)}`);
    for (const reason of req.reasons) lines.push(`  - because ${reasonText(reason, code, escapeMarkdown)}`);
    if (outcome && !outcome.met && outcome.notInSet.length > 0) {
      lines.push(`  - approved, but not in this set: ${outcome.notInSet.map(personMarkdown).join(', ')}`);
    }
  }
  if (result) {
    const ignored = result.ignored;
    if (ignored.length > 0) {
      lines.push('', 'Approvals that do not count:', '');
      for (const i of ignored.slice(0, MAX_IGNORED)) lines.push(`- ${ignoredText(i, personMarkdown)}`);
      if (ignored.length > MAX_IGNORED) lines.push(`- … and ${ignored.length - MAX_IGNORED} more`);
    }
    if (result.changesRequested.length > 0) {
      lines.push('', `Changes requested by ${result.changesRequested.map(personMarkdown).join(', ')}.`);
    }
    const unresolved = unresolvedText(result, code);
    if (unresolved) lines.push('', `⚠️ ${unresolved}`);
  }
  if (requirement.notes.length > 0) {
    lines.push('');
    for (const note of requirement.notes) lines.push(`> ${escapeMarkdown(note)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Escapes text so GitHub renders it literally: no emphasis, links, HTML, tables or mentions, and
 * no invisible or bidirectional-override characters (shown as \u{...} escapes instead).
 */
export function escapeMarkdown(text: string): string {
  // Line breaks first (they would end the list item), then invisible characters made visible,
  // then markdown: the zero-width space that breaks @mentions is added last, so it stays.
  return plain(text.replace(/\r\n|\r|\n/g, ' '))
    .replace(/[\\`*_{}[\]()<>#!|~^&$]/g, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b');
}

/** A code span holding `text` literally, whatever backticks it contains. */
function code(text: string): string {
  const clean = plain(text.replace(/\r\n|\r|\n/g, ' '));
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || clean.trim() === '' ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

// ---------------------------------------------------------------------------------------------
// Shared wording.

function pathWords(requirement: SignoffRequirement, wrap: (s: string) => string = (s) => s): string {
  const base = `rules of ${wrap(requirement.base.revision)}`;
  switch (requirement.path) {
    case 'governance':
      return `governance change: the highest bar, ${base}`;
    case 'removal-only':
      return `only removes access: removalOnly, ${base}`;
    default:
      return base;
  }
}

function emptyWhy(requirement: SignoffRequirement): string {
  if (requirement.path === 'empty') return ': the change does not change anything leash governs.';
  return requirement.notes.length > 0 ? '.' : ': no rule applies.';
}

function labelText(req: Requirement): string {
  const owners = req.owners.map(plain).join(', ');
  if (req.group !== undefined) {
    return `approver group ${plain(req.group)}${req.owners.length > 0 ? ` (owner team ${owners})` : ''}`;
  }
  if (req.teams.length > 0) {
    return `owner team ${owners} (GitHub team ${req.teams.map((t) => plain(`@${t}`)).join(', ')})`;
  }
  return `owner team ${owners}`;
}

function labelMarkdown(req: Requirement): string {
  if (req.group !== undefined) {
    const owners = req.owners.length > 0 ? ` (owner team ${req.owners.map(code).join(', ')})` : '';
    return `approver group ${code(req.group)}${owners}`;
  }
  const owner = req.owners.map(code).join(', ');
  if (req.teams.length > 0)
    return `owner team ${owner} (GitHub team ${req.teams.map((t) => code(`@${t}`)).join(', ')})`;
  return `owner team ${owner}`;
}

function approverSetText(req: Requirement, wrap: (s: string) => string): string {
  const parts: string[] = [];
  if (req.users.length > 0) parts.push(`${req.users.map((u) => wrap(`@${u}`)).join(', ')}`);
  if (req.teams.length > 0 && req.group !== undefined) {
    parts.push(`members of ${req.teams.map((t) => wrap(`@${t}`)).join(', ')}`);
  }
  return parts.join('; ');
}

function outcomeText(outcome: RequirementOutcome | undefined, who: (p: Person) => string): string {
  if (!outcome) return '';
  const by = outcome.approvedBy.length > 0 ? ` by ${outcome.approvedBy.map(who).join(', ')}` : '';
  const got = `${outcome.approvedBy.length} of ${outcome.count}${by}`;
  return outcome.met ? `: ${got}` : `: ${got}, needs ${outcome.missing} more`;
}

function reasonText(
  reason: RequirementReason,
  wrap: (s: string) => string,
  escape: (s: string) => string = (s) => s,
): string {
  const head = (() => {
    switch (reason.origin) {
      case 'rule':
        return `rule ${wrap(reason.rule ?? '')}`;
      case 'removal-only':
        return 'the change only removes access (removalOnly)';
      case 'governance-change':
        return 'a governance change (governanceChange)';
      case 'governance-strictest':
        return `a governance change takes every rule's requirements, here rule ${wrap(reason.rule ?? '')}`;
    }
  })();
  const description = reason.description ? ` (${escape(reason.description)})` : '';
  const parts: string[] = [];
  if (reason.facts.length > 0) parts.push(factsText(reason.facts, wrap, escape));
  const agents = reason.agents.slice(0, MAX_AGENTS).map((a) => {
    const facts = a.facts.length > 0 ? ` — ${factsText(a.facts, wrap, escape)}` : '';
    return `${wrap(a.name)}${facts}`;
  });
  if (reason.agents.length > MAX_AGENTS) agents.push(`and ${reason.agents.length - MAX_AGENTS} more agents`);
  if (agents.length > 0)
    parts.push(`${reason.agents.length === 1 ? 'agent' : 'agents'} ${agents.join('; ')}`);
  return `${head}${description}${parts.length > 0 ? ': ' + parts.join('; ') : ''}`;
}

function factsText(facts: MatchedFact[], wrap: (s: string) => string, escape: (s: string) => string): string {
  return facts
    .map((f) => {
      const evidence =
        f.evidence.length === 0
          ? ''
          : ` (${f.evidence
              .slice(0, MAX_EVIDENCE)
              .map((e) => wrap(e))
              .join(
                ', ',
              )}${f.evidence.length > MAX_EVIDENCE ? `, ${f.evidence.length - MAX_EVIDENCE} more` : ''})`;
      return `${FACT_WORDS[f.fact]} ${f.values.map(escape).join(', ')}${evidence}`;
    })
    .join(', ');
}

function personText(p: Person): string {
  return p.login !== undefined ? plain(`@${p.login}`) : `user ${p.id}`;
}

function personMarkdown(p: Person): string {
  return code(personText(p));
}

function ignoredText(i: IgnoredApproval, who: (p: Person) => string): string {
  const user = i.user ? who(i.user) : 'a deleted account';
  const reasons = i.reasons.map((r) =>
    r === 'superseded' && i.supersededBy
      ? `${IGNORE_WORDS[r]} (${i.supersededBy.state.toLowerCase().replace('_', ' ')})`
      : IGNORE_WORDS[r],
  );
  return `${user} (review ${i.reviewId}): ${reasons.join('; ')}`;
}

function unresolvedText(result: SignoffResult, wrap: (s: string) => string): string {
  const parts: string[] = [];
  if (result.unresolved.users.length > 0) {
    parts.push(`users ${result.unresolved.users.map((u) => wrap(`@${u}`)).join(', ')}`);
  }
  if (result.unresolved.teams.length > 0) {
    parts.push(`teams ${result.unresolved.teams.map((t) => wrap(`@${t}`)).join(', ')}`);
  }
  return parts.length > 0
    ? `Could not resolve ${parts.join(' and ')}: their approvals count for nobody.`
    : '';
}

function resultExtrasText(result: SignoffResult): string[] {
  const lines: string[] = [];
  if (result.ignored.length > 0) {
    lines.push('  approvals that do not count:');
    for (const i of result.ignored.slice(0, MAX_IGNORED)) lines.push(`    ${ignoredText(i, personText)}`);
    if (result.ignored.length > MAX_IGNORED)
      lines.push(`    … and ${result.ignored.length - MAX_IGNORED} more`);
  }
  if (result.changesRequested.length > 0) {
    lines.push(`  changes requested by ${result.changesRequested.map(personText).join(', ')}`);
  }
  const unresolved = unresolvedText(result, plain);
  if (unresolved) lines.push(`  ${unresolved}`);
  return lines;
}

// Control, format (bidi overrides, zero-width) and line-separator characters, shown as escapes
// so configured text cannot rewrite a terminal or hide what it says.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** User text for the terminal: invisible and control characters shown as escapes. */
function plain(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

function short(sha: string): string {
  return /^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 7) : sha;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
