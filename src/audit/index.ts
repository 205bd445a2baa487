// The audit log: an append-only, hash-chained record of every sync, apply and kill.
export * from './types.js';
export { canonicalJson, hashEntry, parseEntryLine, checkEntryInput } from './entry.js';
export type { ParsedLine } from './entry.js';
export { appendAuditEntry, verifyAuditLog, AuditLogError } from './log.js';
export type { AppendOptions, VerifyOptions } from './log.js';
export { auditLogPath, AuditPathError } from './path.js';
export type { AuditSettings } from './path.js';
export { auditEntryFromSync, auditTargetFromOutcome, auditChangeFromResult } from './from-sync.js';
export type { AuditRunContext } from './from-sync.js';
