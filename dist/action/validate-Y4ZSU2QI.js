import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  validatePolicyFiles
} from "./chunk-PKMQPE77.js";
import "./chunk-UOUG4XY6.js";
import "./chunk-7N5FENZK.js";
import "./chunk-YJ3X6INZ.js";
import "./chunk-HLVYP3Z5.js";
export {
  validatePolicyFiles
};
