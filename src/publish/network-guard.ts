import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction, type NetConnectOpts, type Socket } from 'node:net';
import { findAddressRefusal, findPortRefusal } from './address-policy.ts';

/** Resolves a host name to every address it has (as `dns.lookup` with `all: true`). */
export type ResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>;

/**
 * Where admin-supplied destinations (webhooks, WordPress sites) may connect. Every connection goes
 * through an agent that checks the address it connects to, after resolving, so a name that resolves
 * to a public address once and a private one later (DNS rebinding) cannot switch it.
 */
export type DestinationNetworkPolicy = {
  /** ALLOW_PRIVATE_DESTINATIONS: also RFC 1918, CGNAT, IPv6 ULA and loopback. Link-local never. */
  allowPrivate: boolean;
  /** The resolver; the system's by default, a table in tests. */
  resolve?: ResolveHost;
  /**
   * Opens the socket with the guarded `lookup` in its options; `net`/`tls` by default. Tests use it to
   * watch the guard decide and stop before any packet leaves.
   */
  connect?: (options: NetConnectOpts & { lookup: LookupFunction }) => Socket;
};

/** The error a refused address or port fails the request with; its message is a sentence for people. */
export class DestinationAddressError extends Error {
  readonly code = 'ERR_DESTINATION_ADDRESS_REFUSED';
}

const systemResolve: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A `lookup` that resolves with the policy's resolver and refuses when any address is not allowed. */
function makeGuardedLookup(policy: DestinationNetworkPolicy): LookupFunction {
  const resolve = policy.resolve ?? systemResolve;
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((entry) => entry.family === options.family) : addresses;
        if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
        // One refused address refuses them all: a mixed answer is how rebinding starts.
        for (const { address } of wanted) {
          const refusal = findAddressRefusal(address, policy);
          if (refusal) return callback(new DestinationAddressError(`${hostname} resolves to ${refusal}.`), '', 0);
        }
        if (options.all) return callback(null, wanted);
        const [first] = wanted;
        return callback(null, first?.address ?? '', first?.family ?? 4);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}

type ConnectionOptions = NetConnectOpts & { host?: string; port?: number | string; lookup?: LookupFunction };
type CreateConnection = (options: ConnectionOptions, callback: (error: Error | null, socket?: Socket) => void) => Socket | undefined;

/** Checks the port and an IP-literal host (which never goes through `lookup`), then connects via the guarded lookup. */
function guardConnection(policy: DestinationNetworkPolicy, connect: CreateConnection): CreateConnection {
  const lookup = makeGuardedLookup(policy);
  return (options, callback) => {
    const host = String(options.host ?? '').replace(/^\[|\]$/g, '');
    const addressRefusal = isIP(host) === 0 ? null : findAddressRefusal(host, policy);
    const refusal = findPortRefusal(Number(options.port)) ?? (addressRefusal === null ? null : `The URL points to ${addressRefusal}`);
    if (refusal !== null) {
      callback(new DestinationAddressError(`${refusal}.`));
      return undefined;
    }
    const guarded = { ...options, lookup };
    return policy.connect ? policy.connect(guarded) : connect(guarded, callback);
  };
}

/** An agent for one request to an admin-supplied URL: no pooling, every connection guarded. */
export function makeGuardedAgent(protocol: 'http:' | 'https:', policy: DestinationNetworkPolicy): HttpAgent {
  const options: AgentOptions = { keepAlive: false, maxSockets: 1 };
  const agent = protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
  const original = agent.createConnection.bind(agent) as unknown as CreateConnection;
  agent.createConnection = guardConnection(policy, original) as unknown as HttpAgent['createConnection'];
  return agent;
}
