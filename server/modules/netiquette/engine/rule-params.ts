/**
 * Reading a rule's settings (RuleDefinition.params, as stored and edited): lenient, a missing or malformed
 * setting falls back to its default rather than failing the rule.
 */

export function wordList(params: Record<string, unknown>, name = 'words'): string[] {
  const value = params[name];
  return Array.isArray(value) ? value.filter((w): w is string => typeof w === 'string' && w.trim() !== '') : [];
}

export function numberAt(params: Record<string, unknown>, name: string, trustLevel: number, fallback: number): number {
  const value = params[name];
  if (Array.isArray(value)) {
    const n = Number(value[Math.min(Math.max(trustLevel, 0), value.length - 1)]);
    return Number.isFinite(n) ? n : fallback;
  }
  return fallback;
}

export const num = (params: Record<string, unknown>, name: string, fallback: number) => {
  const n = Number(params[name]);
  return Number.isFinite(n) ? n : fallback;
};
