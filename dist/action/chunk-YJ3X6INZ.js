import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);

// src/model/modes.ts
var MODES_BY_AUTHORITY = [
  "escalate",
  "read-only",
  "recommend-only",
  "draft-only",
  "execute-gated",
  "execute-limited"
];
var modeRank = new Map(MODES_BY_AUTHORITY.map((m, i) => [m, i]));
function rankMode(mode) {
  return modeRank.get(mode) ?? 0;
}
function isExecutingMode(mode) {
  return mode === "execute-limited" || mode === "execute-gated";
}
var RISKS = ["low", "medium", "high", "critical"];
var riskRankMap = new Map(RISKS.map((r, i) => [r, i]));
function rankRisk(risk) {
  return riskRankMap.get(risk) ?? 0;
}
var KINDS = {
  Config: "",
  Agent: "agents",
  Template: "templates",
  RiskTier: "tiers",
  System: "systems"
};
var API_VERSION = "leash/v1";

export {
  rankMode,
  isExecutingMode,
  rankRisk,
  KINDS,
  API_VERSION
};
