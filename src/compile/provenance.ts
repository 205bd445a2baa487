import type { SourceFile } from '../model/document.js';
import { createFastLocator, createLocator } from '../source/positions.js';
import type { Locate } from '../source/positions.js';
import type { EffectiveModel } from './compile.js';

/**
 * Fills in the line of every permission source (the grant, and the template reference it came
 * through). Pure; parses each file that holds a source once, with the fast locator when it can.
 */
export function locateModelSources(model: EffectiveModel, files: readonly SourceFile[]): EffectiveModel {
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const locators = new Map<string, Locate>();
  const lineOf = (file: string, pointer: string): number | undefined => {
    let locate = locators.get(file);
    if (!locate) {
      const text = texts.get(file);
      if (text === undefined) return undefined;
      locate = createFastLocator(text) ?? createLocator(text);
      locators.set(file, locate);
    }
    return locate(pointer).start.line;
  };
  return {
    ...model,
    agents: model.agents.map((agent) => ({
      ...agent,
      permissions: agent.permissions.map((p) => ({
        ...p,
        sources: p.sources.map((s) => {
          const line = lineOf(s.file, s.pointer);
          const templateLine = s.template ? lineOf(s.template.file, s.template.pointer) : undefined;
          return {
            ...s,
            ...(line !== undefined ? { line } : {}),
            ...(s.template
              ? { template: { ...s.template, ...(templateLine !== undefined ? { line: templateLine } : {}) } }
              : {}),
          };
        }),
      })),
    })),
  };
}
