import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { toPointer } from '../model/diagnostic.js';
import type { Kind } from '../model/modes.js';
import * as generated from './validators.generated.js';

/**
 * The validators, compiled from schemas/ at build time by `npm run gen:validators` (Ajv
 * standalone code): compiling at every start would cost ~200 ms. A test regenerates the module
 * and fails when it differs from the schemas.
 */
const validators: Record<Kind, ValidateFunction> = generated as unknown as Record<Kind, ValidateFunction>;

/** Validates a document against its kind's schema; returns readable diagnostics with pointers. */
export function validateAgainstSchema(kind: Kind, file: string, data: unknown): Diagnostic[] {
  const validate = validators[kind];
  if (validate(data)) return [];
  return (validate.errors ?? []).flatMap((e) => toDiagnostic(kind, file, e));
}

function toDiagnostic(kind: Kind, file: string, e: ErrorObject): Diagnostic[] {
  const at = e.instancePath;
  const base = { ruleId: 'schema', severity: 'error' as const, file };
  const where = at === '' ? `the ${kind}` : `'${at.slice(1)}'`;
  switch (e.keyword) {
    case 'if':
    case 'oneOf':
    case 'anyOf':
      // The branch's own errors say what is wrong; the combinator adds nothing readable.
      return [];
    case 'additionalProperties': {
      const prop = String((e.params as { additionalProperty: string }).additionalProperty);
      return [
        {
          ...base,
          message: `${where} has an unknown property '${prop}'`,
          hint: `Remove '${prop}' or check its spelling against the ${kind} schema.`,
          pointer: at + toPointer(prop),
          on: 'key',
        },
      ];
    }
    case 'required': {
      const prop = String((e.params as { missingProperty: string }).missingProperty);
      return [
        { ...base, message: `${where} is missing the required property '${prop}'`, pointer: at, on: 'key' },
      ];
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ');
      return [{ ...base, message: `${where} must be one of: ${allowed}`, pointer: at }];
    }
    case 'const':
      return [
        {
          ...base,
          message: `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`,
          pointer: at,
        },
      ];
    case 'pattern': {
      const name = e.propertyName;
      if (name !== undefined) {
        const rule = (e.parentSchema as { description?: string } | undefined)?.description;
        return [
          {
            ...base,
            message: `the name '${name}' in ${where} is not in the expected form${rule ? `: ${rule}` : ''}`,
            pointer: at + toPointer(name),
            on: 'key',
          },
        ];
      }
      const description = (e.parentSchema as { description?: string } | undefined)?.description;
      return [
        {
          ...base,
          message: `${where} is not in the expected form${description ? `: ${description}` : ''}`,
          pointer: at,
        },
      ];
    }
    case 'type':
      return [
        { ...base, message: `${where} must be ${article((e.params as { type: string }).type)}`, pointer: at },
      ];
    case 'propertyNames':
      return [];
    case 'format':
      return [
        {
          ...base,
          message: `${where} is not a real date: ${JSON.stringify(e.data)}`,
          hint: 'Write YYYY-MM-DD (a day that exists) or an RFC 3339 date-time such as 2027-01-31T17:00:00Z.',
          pointer: at,
        },
      ];
    default:
      return [{ ...base, message: `${where} ${e.message ?? 'is invalid'}`, pointer: at }];
  }
}

export { isCalendarDate } from './formats.js';

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
