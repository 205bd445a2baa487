import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  DOCS_BASE,
  listRuleInfo
} from "./chunk-FZQNC5JR.js";
import "./chunk-RQ6RGVS5.js";
import "./chunk-AVR37PYG.js";
import "./chunk-YJ3X6INZ.js";
import "./chunk-HLVYP3Z5.js";
export {
  DOCS_BASE,
  listRuleInfo
};
