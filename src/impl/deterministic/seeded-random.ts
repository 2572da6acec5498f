/**
 * Deterministic mode's random source: xoshiro128** seeded through splitmix32.
 * It is NOT cryptographic: anyone who knows the seed knows every byte. Use it
 * for reproducible runs (tests, replays, golden output), never for secrets.
 */

/** 32 bits from a seed of any accepted kind, folded so different seeds rarely collide. */
function seedWord(seed: number | bigint | string): number {
  if (typeof seed === "number") return Math.trunc(seed) >>> 0;
  if (typeof seed === "bigint") return Number(BigInt.asUintN(32, seed ^ (seed >> 32n)));
  // FNV-1a over the UTF-8 bytes.
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(seed)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** A seeded byte generator (xoshiro128**). Not cryptographic. */
export function seededRandomBytes(seed: number | bigint | string = 0): (buffer: Uint8Array) => void {
  let mix = seedWord(seed);
  // splitmix32 spreads one word over the four words of state, which must not all be zero.
  const next32 = () => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = new Uint32Array([next32(), next32(), next32(), next32()]);
  const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));
  const word = () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  return (buffer) => {
    for (let i = 0; i < buffer.length; i += 4) {
      let value = word();
      for (let j = i; j < Math.min(i + 4, buffer.length); j++, value >>>= 8) buffer[j] = value & 0xff;
    }
  };
}
