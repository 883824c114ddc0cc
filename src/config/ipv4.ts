/** IPv4 CIDR arithmetic for validation: pure, no lookups. */

export interface Cidr {
  /** The address as written, as an unsigned 32-bit number. */
  readonly address: number;
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; undefined when it is not an IPv4 CIDR (octets 0-255, prefix 0-32). */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

/** Addresses in a block of this prefix length. */
export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** The network address of a CIDR: the address with its host bits cleared. */
export function networkOf(cidr: Cidr): number {
  const size = blockSize(cidr.prefix);
  return Math.floor(cidr.address / size) * size;
}

export function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/** `10.20.30.0/16` → `10.20.0.0/16`: the network a CIDR with host bits set stands for. */
export function networkCidr(cidr: Cidr): string {
  return `${formatAddress(networkOf(cidr))}/${cidr.prefix}`;
}
