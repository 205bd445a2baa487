import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  validatePolicyFiles
} from "./chunk-PEMY43L3.js";
import "./chunk-EFRS7QHD.js";
import "./chunk-SFW64KNG.js";
import "./chunk-7LOK7AJX.js";
import "./chunk-U3POP4QY.js";
import "./chunk-VME4SIF6.js";
import "./chunk-YJ3X6INZ.js";
import "./chunk-XBOSDWZH.js";
export {
  validatePolicyFiles
};
