// Times reading a whole revision in-process (one ls-tree + one cat-file --batch behind it).
import { readPolicyRevision } from '../dist/src/source/git.js';

const [repo, rev] = process.argv.slice(2);
await readPolicyRevision(repo, rev); // warm the git object cache like the pipeline's earlier runs
const t = performance.now();
const read = await readPolicyRevision(repo, rev);
console.log(JSON.stringify({ ms: performance.now() - t, files: read.files.length }));
