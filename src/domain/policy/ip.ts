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
  return octets.every((octet, index) => {
    const value = Number(octet);
    into[offset + index] = value;
    return /^\d{1,3}$/.test(octet) && value <= 255;
  });
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
  if (text.includes('.')) {
    // An embedded IPv4 address (`::ffff:10.1.2.3`) stands for the last two groups.
    const lastColon = text.lastIndexOf(':');
    tail = new Uint8Array(4);
    if (!parseIpv4(text.slice(lastColon + 1), tail, 0)) return undefined;
    rest = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const doubleColon = rest.indexOf('::');
  const head: number[] = [];
  const after: number[] = [];
  if (doubleColon === -1) {
    if (!parseGroups(rest, head) || head.length !== 8) return undefined;
  } else {
    // `::` stands for one group of zeros or more; a second `::` leaves an empty group, which parseGroups refuses.
    if (!parseGroups(rest.slice(0, doubleColon), head) || !parseGroups(rest.slice(doubleColon + 2), after)) return undefined;
    if (head.length + after.length > 7) return undefined;
  }
  const groups = [...head, ...new Array<number>(8 - head.length - after.length).fill(0), ...after];
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  if (tail !== undefined) bytes.set(tail, 12);
  return bytes;
};

/** A CIDR block (`10.0.0.0/8`, `2001:db8::/32`) or a single address (its full length), or undefined when it is neither. */
export const parseIpBlock = (text: string): IpBlock | undefined => {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseIpAddress(addressText);
  if (address === undefined) return undefined;
  if (slash === -1) return { bytes: address, prefixLength: 128 };
  const isIpv4 = !addressText.includes(':');
  const length = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(length) || Number(length) > (isIpv4 ? 32 : 128)) return undefined;
  return { bytes: address, prefixLength: Number(length) + (isIpv4 ? 96 : 0) };
};

export const blockContains = (block: IpBlock, address: Uint8Array): boolean => {
  // A prefix is at most 128 bits: the loop ends within the 16 bytes.
  let remaining = block.prefixLength;
  for (let index = 0; remaining > 0; index += 1) {
    const bits = Math.min(8, remaining);
    const mask = (0xff << (8 - bits)) & 0xff;
    if (((block.bytes[index] ?? 0) & mask) !== ((address[index] ?? 0) & mask)) return false;
    remaining -= bits;
  }
  return true;
};
