/**
 * What the tracker may do before and after the visitor's decision (ePrivacy Art. 5(3): storing an
 * id on the device needs consent unless the site has another basis). Tessera itself decides which
 * events it keeps (purposes and legal bases of the workspace); the tracker decides what it stores
 * on the device and, in strict mode, what it sends at all.
 *
 * The decision itself is stored once made, refusals included: remembering a "no" is what stops
 * the banner from asking on every page.
 */
import type { ConsentMode } from './config.js';

export type Decision = Record<string, boolean>;

/** Whether the anonymous id may be kept on the device (cookie or localStorage). */
export function mayStoreId(mode: ConsentMode, decision: Decision | null, idPurpose: string): boolean {
  return mode === 'off' || decision?.[idPurpose] === true;
}

/** Whether events are sent now; `'wait'` means keep them until the visitor decides. */
export function sendPolicy(mode: ConsentMode, decision: Decision | null, idPurpose: string): 'send' | 'wait' | 'drop' {
  if (mode !== 'strict') return 'send';
  if (decision === null) return 'wait';
  return decision[idPurpose] === true ? 'send' : 'drop';
}

/** The stored form of a decision (`analytics:1,advertising:0`), and back; junk reads as no decision. */
export function encodeDecision(decision: Decision): string {
  return Object.keys(decision).map((p) => `${p}:${decision[p] ? 1 : 0}`).join(',');
}

export function decodeDecision(text: string | null): Decision | null {
  if (!text) return null;
  const decision: Decision = {};
  for (const part of text.split(',')) {
    const m = /^([\w.-]{1,64}):([01])$/.exec(part);
    if (!m) return null;
    Object.defineProperty(decision, m[1]!, { value: m[2] === '1', enumerable: true, writable: true, configurable: true });
  }
  return Object.keys(decision).length > 0 ? decision : null;
}
