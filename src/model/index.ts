export * from './generated.js';
export * from './modes.js';
export * from './diagnostic.js';
export * from './document.js';
