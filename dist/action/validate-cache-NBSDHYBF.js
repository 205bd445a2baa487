import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import "./chunk-XBOSDWZH.js";

// src/cache/validate-cache.ts
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
var POLICY_ROOT_ENTRIES = ["leash.yaml", ".gitmodules", "agents", "templates", "tiers", "systems"];
function fingerprintPolicyTree(root, salt) {
  const hash = createHash("sha1").update(salt).update("\0").update(root).update("\0");
  const visit = (rel, depth) => {
    let st;
    try {
      st = lstatSync(join(root, rel), { bigint: true });
    } catch {
      hash.update(`${rel}\0missing
`);
      return;
    }
    const type = st.isSymbolicLink() ? "l" : st.isDirectory() ? "d" : st.isFile() ? "f" : "o";
    hash.update(`${rel}\0${type}\0${st.size}\0${st.ino}\0${st.mtimeNs}\0${st.ctimeNs}
`);
    if (type === "d" && depth < 18) {
      for (const name of readdirSync(join(root, rel)).sort()) visit(`${rel}/${name}`, depth + 1);
    }
  };
  for (const entry of POLICY_ROOT_ENTRIES) visit(entry, 0);
  return hash.digest("hex");
}
function readValidateCache(location, key, now) {
  let entry;
  try {
    entry = JSON.parse(readFileSync(location, "utf8"));
  } catch {
    return void 0;
  }
  const t = now.getTime();
  if (entry.formatVersion !== 1 || entry.key !== key || !(t >= entry.from && t < entry.until))
    return void 0;
  return entry;
}
function writeValidateCache(location, entry) {
  mkdirSync(dirname(location), { recursive: true });
  const tmp = `${location}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(entry));
  renameSync(tmp, location);
}
var TIME_OF_DAY = /\d{4}-\d{2}-\d{2}T\d|\b\d+h\b/;
function cacheWindow(now, texts) {
  for (const text of texts) {
    if (TIME_OF_DAY.test(text)) return { from: now.getTime(), until: now.getTime() };
  }
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: dayStart, until: dayStart + 864e5 };
}
export {
  cacheWindow,
  fingerprintPolicyTree,
  readValidateCache,
  writeValidateCache
};
