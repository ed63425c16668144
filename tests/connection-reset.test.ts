import net from 'node:net';
import { expect, test } from 'vitest';
import { isBareConnectionReset } from '../src/main.ts';

/** The error a client socket emits when the server resets the connection, as when Postgres stops. */
async function resetByServer(): Promise<Error> {
  // Reset once the connection is up and talking, as a server does to a session it terminates.
  const server = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as net.AddressInfo;
    return await new Promise<Error>((resolve) => {
      const client = net.connect(port, '127.0.0.1', () => client.write('hello'));
      client.on('error', resolve);
    });
  } finally {
    server.close();
  }
}

test("a socket's own connection reset is told apart from errors raised by code", async () => {
  const reset = await resetByServer();
  expect(reset).toMatchObject({ code: 'ECONNRESET', syscall: 'read' });
  expect(isBareConnectionReset(reset)).toBe(true);
  // The same code, thrown by code of ours or a library's, still ends the process.
  expect(isBareConnectionReset(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' }))).toBe(false);
  expect(isBareConnectionReset(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', syscall: 'connect' }))).toBe(false);
  expect(isBareConnectionReset(new TypeError('Cannot read properties of undefined'))).toBe(false);
  expect(isBareConnectionReset('ECONNRESET')).toBe(false);
});
