import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { toPointer } from '../model/diagnostic.js';
import type { Kind } from '../model/modes.js';
import { KINDS } from '../model/modes.js';
import { readSchema } from './schemas.js';

let validators: Map<Kind, ValidateFunction> | undefined;

/** The one Ajv instance, built on first use with every shipped schema. */
function getValidators(): Map<Kind, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    // Errors carry their schema, so messages can quote the rule a value broke.
    verbose: true,
    code: { optimize: true },
  });
  ajv.addFormat('leash-date', { type: 'string', validate: isCalendarDate });
  // A generator hint for json-schema-to-typescript; no effect on validation.
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  ajv.addSchema(readSchema('common'));
  const built = new Map<Kind, ValidateFunction>();
  for (const kind of Object.keys(KINDS) as Kind[]) built.set(kind, ajv.compile(readSchema(kind)));
  validators = built;
  return built;
}

/** Validates a document against its kind's schema; returns readable diagnostics with pointers. */
export function validateAgainstSchema(kind: Kind, file: string, data: unknown): Diagnostic[] {
  const validate = getValidators().get(kind)!;
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

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

/** Whether a leash date names a real day (and time): 2027-02-30 and 2027-13-01 do not. */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days) return false;
  const [h, min, sec, oh, om] = [m[4], m[5], m[6], m[7], m[8]].map((x) => Number(x ?? 0));
  return h! <= 23 && min! <= 59 && sec! <= 60 && oh! <= 23 && om! <= 59;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
