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
  return describeSchemaErrors(validate.errors ?? [], {
    file,
    ruleId: 'schema',
    subject: `the ${kind}`,
    schemaName: `the ${kind} schema`,
    format: (value) => ({
      message: `is not a real date: ${JSON.stringify(value)}`,
      hint: 'Write YYYY-MM-DD (a day that exists) or an RFC 3339 date-time such as 2027-01-31T17:00:00Z.',
    }),
  });
}

/** How to word the diagnostics of one schema's errors. */
export interface SchemaErrorWording {
  file: string;
  ruleId: string;
  /** The document as a whole, e.g. "the Agent". */
  subject: string;
  /** Where a reader checks spellings, e.g. "the Agent schema". */
  schemaName: string;
  /** Message and hint for a value that fails its `format`. */
  format: (value: unknown) => { message: string; hint: string };
}

/**
 * Ajv errors as readable diagnostics with JSON pointers: unknown and missing properties on the
 * key, allowed values listed, patterns explained by the schema's own description. Errors of
 * combinators (if, oneOf, anyOf, propertyNames) are dropped: their branches' errors say more.
 */
export function describeSchemaErrors(
  errors: readonly ErrorObject[],
  wording: SchemaErrorWording,
): Diagnostic[] {
  return errors.flatMap((e) => describeSchemaError(e, wording));
}

function describeSchemaError(e: ErrorObject, wording: SchemaErrorWording): Diagnostic[] {
  const at = e.instancePath;
  const base = { ruleId: wording.ruleId, severity: 'error' as const, file: wording.file, pointer: at };
  const where = at === '' ? wording.subject : `'${at.slice(1)}'`;
  const description = (e.parentSchema as { description?: string } | undefined)?.description;
  const explained = description ? `: ${description}` : '';
  switch (e.keyword) {
    case 'if':
    case 'oneOf':
    case 'anyOf':
    case 'propertyNames':
      return [];
    case 'additionalProperties': {
      const prop = String((e.params as { additionalProperty: string }).additionalProperty);
      return [
        {
          ...base,
          message: `${where} has an unknown property '${prop}'`,
          hint: `Remove '${prop}' or check its spelling against ${wording.schemaName}.`,
          pointer: at + toPointer(prop),
          on: 'key',
        },
      ];
    }
    case 'required': {
      const prop = String((e.params as { missingProperty: string }).missingProperty);
      return [{ ...base, message: `${where} is missing the required property '${prop}'`, on: 'key' }];
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ');
      return [{ ...base, message: `${where} must be one of: ${allowed}` }];
    }
    case 'const':
      return [
        {
          ...base,
          message: `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`,
        },
      ];
    case 'pattern':
      if (e.propertyName !== undefined) {
        return [
          {
            ...base,
            message: `the name '${e.propertyName}' in ${where} is not in the expected form${explained}`,
            pointer: at + toPointer(e.propertyName),
            on: 'key',
          },
        ];
      }
      return [{ ...base, message: `${where} is not in the expected form${explained}` }];
    case 'type': {
      const type = String((e.params as { type: string | string[] }).type).replace(',', ' or ');
      return [{ ...base, message: `${where} must be ${article(type)}` }];
    }
    case 'format': {
      const { message, hint } = wording.format(e.data);
      return [{ ...base, message: `${where} ${message}`, hint }];
    }
    default:
      return [{ ...base, message: `${where} ${e.message ?? 'is invalid'}` }];
  }
}

export { isCalendarDate } from './formats.js';

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
