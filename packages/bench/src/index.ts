export { percentile, summarize, type Summary } from './stats.js';
export {
  generate,
  generateToFile,
  type GenerateOptions,
  type GenerateSummary,
  type GeneratedIncident,
} from '@logsift/api';
