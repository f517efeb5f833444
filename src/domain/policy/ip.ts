/**
 * IPv4 and IPv6 addresses and CIDR blocks for `IpAddress`/`NotIpAddress`, compared bit by bit on 16-byte forms (an IPv4 address
 * is its IPv4-mapped IPv6 form, `::ffff:a.b.c.d`, so an IPv4 block never matches a native IPv6 address and the reverse).
 */
export interface IpBlock {
  readonly bytes: Uint8Array;
  readonly prefixLength: number;
}

const parseIpv4 = (text: string, into: Uint8Array, offset: number): boolean => {
  const octets = text.split('.');
  if (octets.length !== 4) return false;
  for (let index = 0; index < 4; index += 1) {
    const octet = octets[index] ?? '';
    if (!/^\d{1,3}$/.test(octet)) return false;
    const value = Number(octet);
    if (value > 255) return false;
    into[offset + index] = value;
  }
  return true;
};

const parseGroups = (text: string, into: number[]): boolean => {
  if (text === '') return true;
  for (const group of text.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return false;
    into.push(Number.parseInt(group, 16));
  }
  return true;
};

/** The address as 16 bytes, or undefined when it is not an IPv4 or IPv6 address. */
export const parseIpAddress = (text: string): Uint8Array | undefined => {
  const bytes = new Uint8Array(16);
  if (!text.includes(':')) {
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    return parseIpv4(text, bytes, 12) ? bytes : undefined;
  }
  let rest = text;
  let tail: Uint8Array | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (rest.slice(lastColon + 1).includes('.')) {
    tail = new Uint8Array(4);
    if (!parseIpv4(rest.slice(lastColon + 1), tail, 0)) return undefined;
    // The embedded IPv4 address stands for the last two groups.
    rest = `${rest.slice(0, lastColon + 1)}0:0`;
  }
  const doubleColon = rest.indexOf('::');
  const head: number[] = [];
  const after: number[] = [];
  if (doubleColon >= 0) {
    if (rest.indexOf('::', doubleColon + 1) >= 0) return undefined;
    if (!parseGroups(rest.slice(0, doubleColon), head) || !parseGroups(rest.slice(doubleColon + 2), after)) return undefined;
    if (head.length + after.length > 7) return undefined;
  } else {
    if (!parseGroups(rest, head) || head.length !== 8) return undefined;
  }
  const groups = [...head, ...new Array<number>(8 - head.length - after.length).fill(0), ...after];
  for (let index = 0; index < 8; index += 1) {
    const group = groups[index] ?? 0;
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  }
  if (tail !== undefined) bytes.set(tail, 12);
  return bytes;
};

/** A CIDR block (`10.0.0.0/8`, `2001:db8::/32`) or a single address (its full length), or undefined when it is neither. */
export const parseIpBlock = (text: string): IpBlock | undefined => {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash < 0 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const isIpv4 = !text.slice(0, slash < 0 ? text.length : slash).includes(':');
  const maximum = isIpv4 ? 32 : 128;
  if (slash < 0) return { bytes: address, prefixLength: 128 };
  const length = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(length) || Number(length) > maximum) return undefined;
  return { bytes: address, prefixLength: Number(length) + (isIpv4 ? 96 : 0) };
};

export const blockContains = (block: IpBlock, address: Uint8Array): boolean => {
  let remaining = block.prefixLength;
  for (let index = 0; index < 16 && remaining > 0; index += 1) {
    const bits = Math.min(8, remaining);
    const mask = (0xff << (8 - bits)) & 0xff;
    if (((block.bytes[index] ?? 0) & mask) !== ((address[index] ?? 0) & mask)) return false;
    remaining -= bits;
  }
  return true;
};
