import type { Diagnosis } from '../core/types.js';

export function renderJson(d: Diagnosis): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
