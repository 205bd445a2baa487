import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  DOCS_BASE,
  listRuleInfo
} from "./chunk-XSH4ML67.js";
import "./chunk-EFRS7QHD.js";
import "./chunk-7LOK7AJX.js";
import "./chunk-U3POP4QY.js";
import "./chunk-YJ3X6INZ.js";
import "./chunk-XBOSDWZH.js";
export {
  DOCS_BASE,
  listRuleInfo
};
