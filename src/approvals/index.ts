// Sign-off: the approvals a change requires (from its blast radius and the BASE revision's
// rules) and whether a pull request's reviews meet them. See docs/approvals.md.
export { computeRequiredSignoff, resolveOwnerApprovers } from './compute-signoff.js';
export { evaluateSignoff, isBot } from './evaluate-signoff.js';
export { formatSignoffText, formatSignoffMarkdown, escapeMarkdown } from './format-signoff.js';
export {
  readReviewsFile,
  parseReviewsFile,
  readReviewsSchema,
  toSignoffContext,
  REVIEWS_SCHEMA_FILE,
  MAX_REVIEWS_FILE_BYTES,
} from './reviews-file.js';
export type { ReviewsFile, ReviewsFileResult } from './reviews-file.js';
export type * from './types.js';
