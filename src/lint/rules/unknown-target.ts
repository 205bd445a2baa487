import { createRule } from '../rule.js';

export default createRule({
  id: 'unknown-target',
  meta: {
    description: "A System's spec.target names no sync target in leash.yaml spec.targets.",
    severity: 'error',
    hint: 'Declare the target under spec.targets in leash.yaml, or correct spec.target in the system.',
    category: 'references',
  },
  check({ index, report }) {
    const config = index.config;
    // A broken leash.yaml carries its own diagnostic; its targets are unknown, not absent.
    if (!config && (index.brokenNames.get('Config')?.size ?? 0) > 0) return;
    const targets = config?.data.spec.targets ?? {};
    const declared = Object.keys(targets);
    for (const system of index.systems.values()) {
      const target = system.data.spec.target;
      if (target === undefined || Object.hasOwn(targets, target)) continue;
      const known = !config
        ? 'there is no leash.yaml'
        : declared.length === 0
          ? 'leash.yaml declares no targets'
          : `leash.yaml declares ${declared.map((t) => `'${t}'`).join(', ')}`;
      report({
        file: system.file,
        pointer: '/spec/target',
        message: `the system '${system.name}' names the target '${target}', which is not declared (${known})`,
      });
    }
  },
});
