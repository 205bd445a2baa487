import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  CONFIG_FILE,
  POLICY_FOLDERS,
  PolicyReadError,
  SUBMODULE_HINT,
  SYMLINK_HINT,
  comparePaths,
  decodeSource,
  fileProblem,
  isPolicyFileName,
  readPolicyDir,
  readPolicyFilesAt,
  tooLarge
} from "./chunk-VME4SIF6.js";
import "./chunk-YJ3X6INZ.js";
import "./chunk-XBOSDWZH.js";
export {
  CONFIG_FILE,
  POLICY_FOLDERS,
  PolicyReadError,
  SUBMODULE_HINT,
  SYMLINK_HINT,
  comparePaths,
  decodeSource,
  fileProblem,
  isPolicyFileName,
  readPolicyDir,
  readPolicyFilesAt,
  tooLarge
};
