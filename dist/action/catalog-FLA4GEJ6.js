import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  DOCS_BASE,
  listRuleInfo
} from "./chunk-C6JOSQVL.js";
import "./chunk-UOUG4XY6.js";
import "./chunk-YJ3X6INZ.js";
import "./chunk-HLVYP3Z5.js";
export {
  DOCS_BASE,
  listRuleInfo
};
