import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  validatePolicyFiles
} from "./chunk-UDGGSRLV.js";
import "./chunk-LOJDG36G.js";
import "./chunk-U3POP4QY.js";
import "./chunk-7N5FENZK.js";
import "./chunk-YJ3X6INZ.js";
import "./chunk-XBOSDWZH.js";
export {
  validatePolicyFiles
};
