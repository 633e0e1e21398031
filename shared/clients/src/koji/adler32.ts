// Adler-32 (RFC 1950) as koji's upload checks it: eight lower-case hex digits
// (koji.util.adler32_constructor.hexdigest, `'%08x' % value`).
const MOD = 65521;

export function adler32(data: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let b = (start >>> 16) & 0xffff;
  // 5552 bytes is the most that can be summed before b could pass 2^32 (zlib's NMAX).
  for (let i = 0; i < data.length;) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}

export function adler32Hex(data: Uint8Array): string {
  return adler32(data).toString(16).padStart(8, '0');
}
