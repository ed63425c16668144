import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses and ports admin-supplied URLs may reach: pure rules, used by the network guard when it
 * connects and by forms that check IP-literal URLs without resolving anything.
 */
const PRIVATE_RANGES = new Set(['private', 'carrierGradeNat', 'uniqueLocal', 'loopback']);
const RANGE_NAMES: Record<string, string> = {
  private: 'a private network address',
  carrierGradeNat: 'a carrier-grade NAT address',
  uniqueLocal: 'a private IPv6 address',
  loopback: 'this machine (loopback)',
  linkLocal: 'a link-local address (cloud metadata lives there)',
  unspecified: 'the unspecified address',
  ipv4Mapped: 'an IPv4-mapped IPv6 address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
};

/** Why a connection to this IP address is refused ("10.0.0.1, a private network address, which …"), or null. */
export function findAddressRefusal(address: string, { allowPrivate }: { allowPrivate: boolean }): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const range = ipaddr.parse(address).range();
  if (range === 'unicast') return null;
  if (allowPrivate && PRIVATE_RANGES.has(range)) return null;
  const what = RANGE_NAMES[range] ?? 'a reserved address';
  const hint = allowPrivate || !PRIVATE_RANGES.has(range) ? '' : ' (ALLOW_PRIVATE_DESTINATIONS=true allows it for self-hosted set-ups)';
  return `${address}, ${what}, which destinations may not use${hint}`;
}

/** Non-default ports below 1024 reach system services (SSH, SMTP, …), never a webhook. */
export function findPortRefusal(port: number): string | null {
  if (port >= 1024 || port === 80 || port === 443) return null;
  return `Port ${port} is reserved for system services; use 443, 80 or a port from 1024 up`;
}

/**
 * A syntax-only check for URLs typed in the ack path (competitor pages): an IP-literal host must be a
 * public address. No DNS lookup; whoever fetches the page applies its own rules.
 */
export function findIpLiteralRefusal(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) === 0 ? null : findAddressRefusal(host, { allowPrivate: false });
}

