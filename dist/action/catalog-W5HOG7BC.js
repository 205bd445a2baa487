import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  DOCS_BASE,
  listRuleInfo
} from "./chunk-NM5LMRM6.js";
import "./chunk-LOJDG36G.js";
import "./chunk-U3POP4QY.js";
import "./chunk-YJ3X6INZ.js";
import "./chunk-XBOSDWZH.js";
export {
  DOCS_BASE,
  listRuleInfo
};
