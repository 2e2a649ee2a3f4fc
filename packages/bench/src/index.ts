export { percentile, summarize, type Summary } from './stats.js';
