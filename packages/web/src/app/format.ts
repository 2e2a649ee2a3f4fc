/** Display helpers shared by the views. */
export const LEVELS = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'NONE'] as const;
export type Level = (typeof LEVELS)[number];

/** Fill colours by level (also in style.css as .lv-*). */
export const LEVEL_COLORS: Record<Level, string> = {
  FATAL: '#7f1d1d',
  ERROR: '#dc2626',
  WARN: '#d97706',
  INFO: '#2563eb',
  DEBUG: '#64748b',
  TRACE: '#94a3b8',
  NONE: '#cbd5e1',
};

export function formatTime(ns: number | null | undefined): string {
  if (ns === null || ns === undefined) return '';
  return new Date(ns / 1e6).toISOString().replace('T', ' ').replace('Z', '');
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export const number = (n: number): string => n.toLocaleString('en-US');
