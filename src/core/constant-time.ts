/**
 * Whether two byte strings are equal, in time that depends on their lengths
 * only, never on where the first difference is: comparing secrets (or their
 * hashes) byte by byte with an early exit would let a client find a key one
 * byte at a time by timing the answers.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i];
  return diff === 0;
}
