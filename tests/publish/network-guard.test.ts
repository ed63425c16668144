import { type AddressInfo, createServer, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findAddressRefusal, findPortRefusal } from '../../src/publish/address-policy.ts';
import { sendHttpRequest } from '../../src/publish/http.ts';
import type { DestinationNetworkPolicy, ResolveHost } from '../../src/publish/network-guard.ts';
import { deliverWebhook, pingWebhook } from '../../src/publish/webhook.ts';
import { checkWordpressAuth, makeWordpressApiUrl } from '../../src/publish/wordpress.ts';
import { wordpressDestinationSchema } from '../../src/domain/destinations.ts';
import { startFakeWebhook, type FakeWebhook } from '../support/fake-webhook.ts';

const PUBLIC_ADDRESS = '93.184.216.34';
/** Names the tests map themselves; nothing here asks a real DNS server. */
const NAMES: Record<string, string> = { 'canary.example.test': '127.0.0.1', 'public.example.test': PUBLIC_ADDRESS, 'mixed.example.test': '127.0.0.1' };
const resolve: ResolveHost = async (hostname) => {
  const address = NAMES[hostname];
  if (address === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return hostname === 'mixed.example.test' ? [{ address: PUBLIC_ADDRESS, family: 4 }, { address, family: 4 }] : [{ address, family: 4 }];
};

/**
 * A connector that runs the guard's lookup and then stops: the socket never connects, so no packet
 * leaves the machine whatever the guard decides. `connects` says whether the real connector was reached.
 */
function stopAtDecision() {
  const decisions: { hostname: string; error: Error | null; addresses: string[] }[] = [];
  const connect: DestinationNetworkPolicy['connect'] = (options) => {
    const socket = new Socket();
    const hostname = 'host' in options ? String(options.host) : '';
    options.lookup(hostname, { all: true }, (error, addresses) => {
      const list = Array.isArray(addresses) ? addresses.map((entry) => entry.address) : [];
      decisions.push({ hostname, error, addresses: list });
      socket.destroy(error ?? new Error('stopped by the test before connecting'));
    });
    return socket;
  };
  return { decisions, connect };
}

const strict = (extra: Partial<DestinationNetworkPolicy> = {}): DestinationNetworkPolicy => ({ allowPrivate: false, resolve, ...extra });
const privateAllowed = (extra: Partial<DestinationNetworkPolicy> = {}): DestinationNetworkPolicy => ({ allowPrivate: true, resolve, ...extra });
const send = (url: string, network: DestinationNetworkPolicy) => sendHttpRequest({ url, method: 'POST', body: '{}', timeoutMs: 2_000, network });

let canary: FakeWebhook;
beforeAll(async () => {
  canary = await startFakeWebhook();
});
afterAll(async () => {
  await canary?.close();
});

describe('the address rules (ipaddr.js ranges)', () => {
  test('only public unicast addresses pass by default', () => {
    for (const address of ['169.254.169.254', '10.0.0.1', '172.16.5.4', '192.168.1.1', '127.0.0.1', '::1', '100.64.0.1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::', '224.0.0.1']) {
      expect(findAddressRefusal(address, { allowPrivate: false }), address).not.toBeNull();
    }
    for (const address of [PUBLIC_ADDRESS, '2606:4700:4700::1111']) expect(findAddressRefusal(address, { allowPrivate: false })).toBeNull();
  });

  test('ALLOW_PRIVATE_DESTINATIONS allows RFC 1918, CGNAT, ULA and loopback, never link-local or mapped addresses', () => {
    for (const address of ['10.0.0.1', '192.168.1.1', '100.64.0.1', 'fd00::1', '127.0.0.1', '::1']) expect(findAddressRefusal(address, { allowPrivate: true }), address).toBeNull();
    for (const address of ['169.254.169.254', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0']) expect(findAddressRefusal(address, { allowPrivate: true }), address).not.toBeNull();
    expect(findAddressRefusal('169.254.169.254', { allowPrivate: true })).toBe('169.254.169.254, a link-local address (cloud metadata lives there), which destinations may not use');
  });

  test('non-default ports below 1024 are refused, 80 and 443 are not', () => {
    expect(findPortRefusal(22)).toMatch(/^Port 22 is reserved/);
    for (const port of [80, 443, 1024, 8080, 6379]) expect(findPortRefusal(port)).toBeNull();
  });
});

describe('the guard in the real HTTP agent', () => {
  test.each([
    ['http://169.254.169.254/latest/meta-data/', 'The URL points to 169.254.169.254, a link-local address'],
    ['http://10.0.0.1/hook', 'The URL points to 10.0.0.1, a private network address'],
    ['http://127.0.0.1:6379/', 'The URL points to 127.0.0.1, this machine (loopback)'],
    ['http://[::1]:8080/hook', 'The URL points to ::1, this machine (loopback)'],
    ['https://public.example.test:22/', 'Port 22 is reserved for system services'],
  ])('%s is refused before any connection', async (url, sentence) => {
    const { decisions, connect } = stopAtDecision();
    const exchange = await send(url, strict({ connect }));
    expect(exchange).toMatchObject({ kind: 'not_sent', isRefusedBeforeSending: true, message: expect.stringContaining(sentence) });
    expect(decisions).toEqual([]);
  });

  test('a host name resolving to 127.0.0.1 is refused at lookup, and the server on that port sees nothing', async () => {
    const exchange = await send(canary.url.replace('127.0.0.1', 'canary.example.test'), strict());
    expect(exchange).toMatchObject({
      kind: 'not_sent',
      isRefusedBeforeSending: true,
      message: 'canary.example.test resolves to 127.0.0.1, this machine (loopback), which destinations may not use (ALLOW_PRIVATE_DESTINATIONS=true allows it for self-hosted set-ups).',
    });
    expect(canary.requests).toHaveLength(0);
    // A webhook says so in its result, with what to do.
    const { connect } = stopAtDecision();
    const result = await deliverWebhook({ url: 'https://canary.example.test/hook', secret: 's'.repeat(16), body: '{}', idempotencyKey: 'k1', network: strict({ connect }) });
    expect(result).toMatchObject({ state: 'failed', retryable: false, isRefusedBeforeSending: true, reason: expect.stringMatching(/resolves to 127\.0\.0\.1.*Change the webhook's URL in the App Home\.$/) });
  });

  test('one private address among public ones refuses the name', async () => {
    const { decisions, connect } = stopAtDecision();
    const exchange = await send('https://mixed.example.test/hook', strict({ connect }));
    expect(exchange).toMatchObject({ kind: 'not_sent', isRefusedBeforeSending: true });
    expect(decisions[0]?.error?.message).toMatch(/^mixed\.example\.test resolves to 127\.0\.0\.1/);
  });

  test('with ALLOW_PRIVATE_DESTINATIONS=true the same name reaches the loopback server', async () => {
    const exchange = await send(canary.url.replace('127.0.0.1', 'canary.example.test'), privateAllowed());
    expect(exchange).toMatchObject({ kind: 'answered', status: 200 });
    expect(canary.requests).toHaveLength(1);
    // Link-local stays refused even then.
    expect(await send('http://169.254.169.254/latest/meta-data/', privateAllowed())).toMatchObject({ kind: 'not_sent', isRefusedBeforeSending: true });
  });

  test('a name mapped to a public address passes the guard; the test stops at that decision, before any socket connects', async () => {
    const { decisions, connect } = stopAtDecision();
    const exchange = await send('https://public.example.test/hooks/content', strict({ connect }));
    expect(decisions).toEqual([{ hostname: 'public.example.test', error: null, addresses: [PUBLIC_ADDRESS] }]);
    expect(exchange).toMatchObject({ kind: 'not_sent', isRefusedBeforeSending: false, message: 'stopped by the test before connecting' });
  });
});

describe('Test answers', () => {
  test('a refused address is named; a closed port and a silent one get the same fixed sentence, never an error code', async () => {
    expect(await pingWebhook({ url: 'https://169.254.169.254/latest', secret: 's'.repeat(16), network: strict() })).toEqual({
      ok: false,
      message: "The URL points to 169.254.169.254, a link-local address (cloud metadata lives there), which destinations may not use. Change the webhook's URL in the App Home.",
    });
    const closedPort = await findClosedPort();
    const refused = await pingWebhook({ url: `http://127.0.0.1:${closedPort}/hook`, secret: 's'.repeat(16), timeoutMs: 300, network: privateAllowed() });
    canary.respondWith({ hangAfterReceive: true });
    const silent = await pingWebhook({ url: canary.url, secret: 's'.repeat(16), timeoutMs: 300, network: privateAllowed() });
    expect(refused).toEqual(silent);
    expect(refused.message).not.toMatch(/ECONNREFUSED|refused the connection/);
  });

  test('an answer with a body shows only its status', async () => {
    canary.respondWith({ status: 404, body: 'SECRET INTERNAL PAGE' });
    const check = await pingWebhook({ url: canary.url, secret: 's'.repeat(16), network: privateAllowed() });
    expect(check).toEqual({ ok: false, status: 404, message: 'The webhook answered 404 Not Found to a signed ping.' });
  });
});

async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

describe('a WordPress URL ending in # or ?', () => {
  test('is refused by the form, and cannot move the API path even if stored', async () => {
    for (const siteUrl of ['http://127.0.0.1:6379/#', 'https://blog.example.com/?']) {
      const parsed = wordpressDestinationSchema.safeParse({ kind: 'wordpress', siteUrl, username: 'bot', status: 'draft' });
      expect(parsed.error?.issues[0]?.message).toMatch(/without anything from \? or #/);
    }
    expect(makeWordpressApiUrl('http://127.0.0.1:6379/#', 'users/me')).toBe('http://127.0.0.1:6379/wp-json/wp/v2/users/me');
    expect(makeWordpressApiUrl('https://blog.example.com/site/?x=1#y', 'posts', { slug: 'a' })).toBe('https://blog.example.com/site/wp-json/wp/v2/posts?slug=a');
    const check = await checkWordpressAuth(
      { kind: 'wordpress', siteUrl: 'http://127.0.0.1:6379/#', username: 'bot', applicationPassword: 'x', status: 'draft' },
      { network: strict() },
    );
    expect(check).toEqual({ ok: false, message: 'The URL points to 127.0.0.1, this machine (loopback), which destinations may not use (ALLOW_PRIVATE_DESTINATIONS=true allows it for self-hosted set-ups).' });
  });
});
