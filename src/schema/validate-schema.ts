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
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, code: { optimize: true } });
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
      return [{ ...base, message: `${where} is missing the required property '${prop}'`, pointer: at, on: 'key' }];
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ');
      return [{ ...base, message: `${where} must be one of: ${allowed}`, pointer: at }];
    }
    case 'const':
      return [{ ...base, message: `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`, pointer: at }];
    case 'pattern': {
      const name = (e.params as { propertyName?: string }).propertyName;
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
      return [{ ...base, message: `${where} must be ${article((e.params as { type: string }).type)}`, pointer: at }];
    case 'propertyNames':
      return [];
    default:
      return [{ ...base, message: `${where} ${e.message ?? 'is invalid'}`, pointer: at }];
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
