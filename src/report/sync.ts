/**
 * Formatters for plans, sync outcomes and drift (pure). Removals are always listed in full;
 * creations beyond a limit are counted, with the JSON format listing every one.
 */
import type { TargetPlan } from '../sync/plan.js';
import type { SyncOutcome, SyncPlan } from '../sync/run.js';
import type { Change, JsonValue } from '../sync/types.js';

const MAX_LISTED_CREATES = 100;

export type PlanReportKind = 'plan' | 'drift';

/** The plan as text: per target what would be removed, changed and created. */
export function formatPlanText(plan: SyncPlan, kind: PlanReportKind = 'plan'): string {
  const lines: string[] = [];
  for (const target of plan.targets) {
    lines.push(...formatTargetPlan(target, kind), '');
  }
  for (const failure of plan.failed) {
    lines.push(`${failure.name} (${failure.type}): NOT READ: ${failure.error}`, '');
  }
  if (plan.held.length > 0) {
    lines.push(`Held back (left as they are in every target until their files are fixed):`);
    for (const h of plan.held) lines.push(`  ${h.agent}: ${h.reason}`);
    lines.push('');
  }
  lines.push(...formatKilled(plan.killed));
  const total = plan.targets.reduce((n, t) => n + t.changes.length, 0);
  const head =
    kind === 'drift'
      ? total === 0
        ? 'No drift: every target holds exactly what the repository says.'
        : `Drift: ${total} differences between the repository and the targets; leash sync would correct them.`
      : total === 0
        ? 'No changes: every target already holds what the repository says.'
        : `Plan: ${total} changes across ${plan.targets.filter((t) => t.changes.length > 0).length} targets.`;
  return [head, `As of ${plan.asOf}.`, '', ...lines].join('\n').trimEnd() + '\n';
}

function formatTargetPlan(target: TargetPlan, kind: PlanReportKind): string[] {
  const { create, update, delete: remove } = target.summary;
  const out: string[] = [];
  const counts =
    target.changes.length === 0
      ? 'no changes'
      : [
          remove ? `${remove} to remove` : '',
          update ? `${update} to change` : '',
          create ? `${create} to create` : '',
        ]
          .filter(Boolean)
          .join(', ');
  out.push(`${target.name} (${target.type}): ${counts}`);
  if (target.blocked)
    out.push(`  BLOCKED by guardrail ${target.blocked.guardrail}: ${target.blocked.message}`);
  if (target.overridden)
    out.push(`  guardrail ${target.overridden.guardrail} overridden: ${target.overridden.message}`);
  let listedCreates = 0;
  for (const change of target.changes) {
    if (change.op === 'create' && ++listedCreates > MAX_LISTED_CREATES) continue;
    out.push(`  ${describeChange(change, kind)}`);
  }
  if (listedCreates > MAX_LISTED_CREATES) {
    out.push(
      `  … and ${listedCreates - MAX_LISTED_CREATES} more to create (--format json lists every change)`,
    );
  }
  return out;
}

/** One line for a change: `- remove`, `~ change (what)`, `+ create`. */
export function describeChange(change: Change, kind: PlanReportKind = 'plan'): string {
  const what = `${change.type} ${change.id}`;
  if (change.op === 'delete')
    return kind === 'drift' ? `- ${what}: in the target, not in the repository` : `- remove ${what}`;
  if (change.op === 'create')
    return kind === 'drift' ? `+ ${what}: in the repository, missing from the target` : `+ create ${what}`;
  const diffs = attributeDiffs(change.before ?? {}, change.after ?? {});
  return `~ ${kind === 'drift' ? '' : 'change '}${what}: ${diffs.join('; ')}`;
}

function attributeDiffs(before: Record<string, JsonValue>, after: Record<string, JsonValue>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: string[] = [];
  for (const key of keys) {
    const a = JSON.stringify(before[key] ?? null);
    const b = JSON.stringify(after[key] ?? null);
    if (a !== b) out.push(`${key} ${short(a)} -> ${short(b)}`);
  }
  return out;
}

function short(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** What a sync did, per target, with every failure and its reason. */
export function formatOutcomeText(outcome: SyncOutcome): string {
  const lines: string[] = [];
  for (const t of outcome.targets) {
    const applied = t.results.filter((r) => r.status === 'applied').length;
    switch (t.status) {
      case 'unchanged':
        lines.push(`${t.name} (${t.type}): already in sync, nothing to do`);
        break;
      case 'applied':
        lines.push(`${t.name} (${t.type}): applied ${applied} changes`);
        break;
      case 'partial':
        lines.push(
          `${t.name} (${t.type}): applied ${applied} of ${t.results.length} changes; ${t.message ?? ''}`,
        );
        for (const r of t.results.filter((x) => x.status !== 'applied')) {
          lines.push(`  ${r.status.toUpperCase()} ${describeChange(r.change)}: ${r.error ?? ''}`);
        }
        break;
      default:
        lines.push(`${t.name} (${t.type}): ${t.status.toUpperCase()}: ${t.message ?? ''}`);
    }
  }
  if (outcome.held.length > 0) {
    lines.push('Held back (left as they are in every target until their files are fixed):');
    for (const h of outcome.held) lines.push(`  ${h.agent}: ${h.reason}`);
  }
  lines.push(...formatKilled(outcome.killed));
  for (const a of outcome.acknowledged ?? []) {
    lines.push(
      `Kill ${a.id} acknowledged: the repository now says ${a.agent} is revoked; a reviewed change to its status is what brings it back.`,
    );
  }
  return lines.join('\n').trimEnd() + '\n';
}

/** Killed agents a sync kept revoked, and how they come back. */
export function formatKilled(killed: SyncPlan['killed']): string[] {
  if (!killed || killed.length === 0) return [];
  return [
    'Killed (kept revoked in every target until the repository says revoked; then a reviewed change brings them back):',
    ...killed.map((k) => `  ${k.agent}: killed by ${k.by} at ${k.at} (${k.id}): ${k.reason}`),
    '',
  ];
}
