import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  KINDS
} from "./chunk-YJ3X6INZ.js";

// src/source/files.ts
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  readdirSync,
  statSync
} from "node:fs";
import { isUtf8 } from "node:buffer";
import { join } from "node:path";

// src/source/limits.ts
var LIMITS = {
  /** Largest policy file read, in bytes. Real policy files are a few kilobytes. */
  maxFileBytes: 128 * 1024,
  /**
   * Largest file read by the full YAML parser: files using anchors, aliases, tags, directives or
   * explicit keys, or that the fast parser rejects. Larger broken files get the fast parser's
   * error; larger unusual ones are refused. Keeps every hostile file under 200 ms.
   */
  maxFullParseBytes: 32 * 1024,
  /** Deepest nesting of collections in one file; the schemas need fewer than 10 levels. */
  maxDepth: 32,
  /** Most alias nodes one file may resolve (YAML alias bombs expand exponentially). */
  maxAliasCount: 64,
  /** Most files one repository may hold under the policy folders. */
  maxFiles: 2e5,
  /** Most diagnostics reported for one file; a garbage file would otherwise flood the report. */
  maxDiagnosticsPerFile: 100
};

// src/source/files.ts
var POLICY_FOLDERS = Object.values(KINDS).filter((f) => f !== "");
var CONFIG_FILE = "leash.yaml";
var PolicyReadError = class extends Error {
  name = "PolicyReadError";
};
function decodeSource(path, bytes) {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    return fileProblem(path, "invalid-encoding", "the file is binary (it holds NUL bytes), not YAML text", {
      hint: encodingHint,
      at: positionOfByte(bytes, nul)
    });
  }
  if (isUtf8(buf)) {
    const text = buf.toString("utf8");
    return { path, text: text.charCodeAt(0) === 65279 ? text.slice(1) : text };
  }
  return fileProblem(path, "invalid-encoding", "the file is not valid UTF-8 text", {
    hint: encodingHint,
    at: positionOfByte(bytes, firstInvalidUtf8(bytes))
  });
}
var encodingHint = "Save the file as UTF-8 text.";
function firstInvalidUtf8(bytes) {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need;
    let min;
    if (b < 128) {
      i++;
      continue;
    } else if (b >= 194 && b <= 223) {
      need = 1;
      min = 128;
    } else if (b >= 224 && b <= 239) {
      need = 2;
      min = 2048;
    } else if (b >= 240 && b <= 244) {
      need = 3;
      min = 65536;
    } else {
      return i;
    }
    let cp = b & 63 >> need;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === void 0 || (c & 192) !== 128) return i;
      cp = cp << 6 | c & 63;
    }
    if (cp < min || cp > 1114111 || cp >= 55296 && cp <= 57343) return i;
    i += need + 1;
  }
  return bytes.length;
}
function positionOfByte(bytes, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const before = new TextDecoder("utf-8").decode(bytes.subarray(lineStart, offset));
  return { line, column: before.length + 1 };
}
function isPolicyFileName(name) {
  return name.endsWith(".yaml") || name.endsWith(".yml");
}
function fileProblem(file, ruleId, message, extra = {}) {
  const at = extra.at ?? { line: 1, column: 1 };
  return {
    ruleId,
    severity: "error",
    message,
    file,
    pointer: "",
    range: { start: at, end: at },
    ...extra.hint ? { hint: extra.hint } : {}
  };
}
function tooLarge(path, size) {
  return fileProblem(
    path,
    "file-too-large",
    `${path} is ${size} bytes; policy files may be at most ${LIMITS.maxFileBytes} bytes`,
    { hint: "Split the file; an agent, template or system file is normally a few kilobytes." }
  );
}
function readPolicyDir(root, options = {}) {
  const state = { root, files: [], diagnostics: [] };
  let rootStat;
  try {
    rootStat = statSync(root);
  } catch (error) {
    throw new PolicyReadError(`cannot read policy repository ${root}: ${error.message}`, {
      cause: error
    });
  }
  if (!rootStat.isDirectory()) throw new PolicyReadError(`${root} is not a directory`);
  const rootEntries = new Set(listDir(root, ".").map((e) => e.name));
  if (rootEntries.has(".gitmodules")) {
    state.diagnostics.push(
      fileProblem(".gitmodules", "submodule", "the policy repository declares git submodules", {
        hint: SUBMODULE_HINT
      })
    );
  }
  if (rootEntries.has(CONFIG_FILE)) readOne(state, CONFIG_FILE);
  for (const folder of options.folders ?? POLICY_FOLDERS) {
    if (rootEntries.has(folder)) walk(state, folder, 0);
  }
  state.files.sort((a, b) => comparePaths(a.path, b.path));
  return { files: state.files, diagnostics: state.diagnostics };
}
function readPolicyFilesAt(root, paths) {
  const state = { root, files: [], diagnostics: [] };
  for (const path of paths) {
    const parts = path.split("/");
    let ok = true;
    for (let i = 1; i < parts.length && ok; i++) {
      const st = lstatSync(join(root, parts.slice(0, i).join("/")), { throwIfNoEntry: false });
      ok = st !== void 0 && st.isDirectory() && !st.isSymbolicLink();
    }
    if (ok && lstatSync(join(root, path), { throwIfNoEntry: false })) readOne(state, path);
  }
  state.files.sort((a, b) => comparePaths(a.path, b.path));
  return { files: state.files, diagnostics: state.diagnostics };
}
function comparePaths(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
var SUBMODULE_HINT = "Keep policy files in this repository itself; submodules and nested repositories are not read.";
var SYMLINK_HINT = "Replace the link with the file itself; links could point outside the repository.";
var MAX_FOLDER_DEPTH = 16;
function walk(state, rel, depth) {
  const st = lstatSync(join(state.root, rel));
  if (st.isSymbolicLink()) {
    state.diagnostics.push(symlink(rel));
    return;
  }
  if (!st.isDirectory()) {
    if (depth === 0) {
      state.diagnostics.push(
        fileProblem(rel, "not-a-file", `${rel} must be a folder of policy files, but it is a file`, {
          hint: `Remove it, or make ${rel}/ a folder holding one .yaml file per document.`
        })
      );
    }
    return;
  }
  if (depth > MAX_FOLDER_DEPTH) {
    state.diagnostics.push(
      fileProblem(rel, "nesting-too-deep", `${rel} is nested more than ${MAX_FOLDER_DEPTH} folders deep`, {
        hint: "Keep policy files at most a few folders deep."
      })
    );
    return;
  }
  const entries = listDir(join(state.root, rel), rel);
  if (entries.some((e) => e.name === ".git")) {
    state.diagnostics.push(
      fileProblem(rel, "submodule", `${rel} is a nested git repository or submodule`, {
        hint: SUBMODULE_HINT
      })
    );
    return;
  }
  for (const entry of entries) {
    const child = `${rel}/${entry.name}`;
    if (entry.isSymbolicLink()) state.diagnostics.push(symlink(child));
    else if (entry.isDirectory()) walk(state, child, depth + 1);
    else if (isPolicyFileName(entry.name)) readOne(state, child);
  }
}
function listDir(abs, rel) {
  try {
    return readdirSync(abs, { withFileTypes: true }).sort(
      (a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  } catch (error) {
    throw new PolicyReadError(`cannot read the folder ${rel}: ${error.message}`, { cause: error });
  }
}
function symlink(rel) {
  return fileProblem(rel, "symlink", `${rel} is a symbolic link; links are not followed`, {
    hint: SYMLINK_HINT
  });
}
var OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
function readOne(state, rel) {
  if (state.files.length >= LIMITS.maxFiles) {
    throw new PolicyReadError(`the repository holds more than ${LIMITS.maxFiles} policy files`);
  }
  const abs = join(state.root, rel);
  if (!constants.O_NOFOLLOW && lstatSync(abs).isSymbolicLink()) {
    state.diagnostics.push(symlink(rel));
    return;
  }
  let fd;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch (error) {
    if (error.code === "ELOOP") {
      state.diagnostics.push(symlink(rel));
      return;
    }
    throw new PolicyReadError(`cannot read ${rel}: ${error.message}`, { cause: error });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      state.diagnostics.push(
        fileProblem(rel, "not-a-file", `${rel} is not a regular file`, {
          hint: "Policy files are plain files; remove the pipe, device or folder of that name."
        })
      );
      return;
    }
    if (st.size > LIMITS.maxFileBytes) {
      state.diagnostics.push(tooLarge(rel, st.size));
      return;
    }
    const buf = Buffer.allocUnsafe(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, buf, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    const decoded = decodeSource(rel, buf.subarray(0, read));
    if ("text" in decoded) state.files.push(decoded);
    else state.diagnostics.push(decoded);
  } finally {
    closeSync(fd);
  }
}

export {
  LIMITS,
  POLICY_FOLDERS,
  CONFIG_FILE,
  PolicyReadError,
  decodeSource,
  isPolicyFileName,
  fileProblem,
  tooLarge,
  readPolicyDir,
  readPolicyFilesAt,
  comparePaths,
  SUBMODULE_HINT,
  SYMLINK_HINT
};
