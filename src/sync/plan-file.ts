/** Reading a saved plan (schemas/plan.schema.json): a plan file is input, checked like any other. */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { SCHEMA_DIR } from '../schema/schemas.js';
import { describeSchemaErrors } from '../schema/validate-schema.js';
import { fileProblem } from '../source/files.js';
import { createLocator } from '../source/positions.js';
import type { SyncPlan } from './run.js';

export const PLAN_SCHEMA_FILE = 'plan.schema.json';
/** A plan for 10,000 agents is tens of megabytes; anything far beyond is not a plan. */
export const MAX_PLAN_FILE_BYTES = 256 * 1024 * 1024;
/** Positions are worked out only for plans small enough to re-parse quickly. */
const MAX_LOCATED_BYTES = 1024 * 1024;

export interface PlanFileResult {
  plan?: SyncPlan;
  diagnostics: Diagnostic[];
}

/** Reads and validates a plan file; problems are diagnostics with line and column where known. */
export async function readPlanFile(path: string, displayPath = path): Promise<PlanFileResult> {
  try {
    const info = await stat(path);
    if (!info.isFile())
      return {
        diagnostics: [fileProblem(displayPath, 'plan-file', `the plan ${displayPath} is not a file`)],
      };
    if (info.size > MAX_PLAN_FILE_BYTES) {
      return {
        diagnostics: [
          fileProblem(
            displayPath,
            'plan-file',
            `the plan is ${info.size} bytes; at most ${MAX_PLAN_FILE_BYTES} bytes are read`,
          ),
        ],
      };
    }
    return parsePlanFile(displayPath, await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
    return { diagnostics: [fileProblem(displayPath, 'plan-file', `the plan ${displayPath} ${why}`)] };
  }
}

/** Parses and validates a plan's text. Pure. */
export function parsePlanFile(file: string, text: string): PlanFileResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      diagnostics: [
        fileProblem(
          file,
          'plan-file',
          `the plan is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        ),
      ],
    };
  }
  const validate = getValidator();
  if (validate(data)) return { plan: data as SyncPlan, diagnostics: [] };
  const diagnostics = describeSchemaErrors(validate.errors ?? [], {
    file,
    ruleId: 'plan-schema',
    subject: 'the plan',
    schemaName: PLAN_SCHEMA_FILE,
    format: (value) => ({
      message: `is not in the expected format: ${JSON.stringify(value)}`,
      hint: 'Make the plan again with leash plan --out.',
    }),
  });
  if (text.length > MAX_LOCATED_BYTES) return { diagnostics: diagnostics.slice(0, 20) };
  const locate = createLocator(text);
  return { diagnostics: diagnostics.slice(0, 20).map((d) => ({ ...d, range: locate(d.pointer, d.on) })) };
}

let validator: ValidateFunction | undefined;

function getValidator(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(
    JSON.parse(readFileSync(SCHEMA_DIR + PLAN_SCHEMA_FILE, 'utf8')) as Record<string, unknown>,
  );
  return validator;
}
