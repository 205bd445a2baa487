import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  validatePolicyFiles
} from "./chunk-VWZXHRLQ.js";
import "./chunk-RQ6RGVS5.js";
import "./chunk-POMSVGUN.js";
import "./chunk-AVR37PYG.js";
import "./chunk-VME4SIF6.js";
import "./chunk-YJ3X6INZ.js";
import "./chunk-HLVYP3Z5.js";
export {
  validatePolicyFiles
};
