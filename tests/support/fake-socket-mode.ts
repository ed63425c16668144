import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeSlack } from './fake-slack.ts';

export type FakeSocketMode = {
  /** Resolves once the app has connected and been greeted. */
  connected: Promise<void>;
  /** Sends an envelope as Slack would and resolves with the app's acknowledgement payload. */
  deliver(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
};

/**
 * Plays Slack's Socket Mode: apps.connections.open on the fake Web API hands out a ws:// URL,
 * the app connects, gets "hello", and acknowledges each envelope with its id.
 */
export async function startFakeSocketMode(slack: FakeSlack): Promise<FakeSocketMode> {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link`;
  slack.setHandler('apps.connections.open', () => ({ ok: true, url }));

  let socket: WebSocket | undefined;
  const acks = new Map<string, (payload: Record<string, unknown>) => void>();
  const connected = new Promise<void>((resolve) => {
    wss.on('connection', (connection) => {
      socket = connection;
      connection.on('message', (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
        if (message.envelope_id) acks.get(message.envelope_id)?.(message.payload ?? {});
      });
      connection.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: slack.appId } }));
      resolve();
    });
  });

  let envelopes = 0;
  return {
    connected,
    deliver: (type, payload) =>
      new Promise((resolve, reject) => {
        if (!socket) return reject(new Error('no Socket Mode connection'));
        envelopes += 1;
        const envelopeId = `envelope-${envelopes}`;
        acks.set(envelopeId, resolve);
        socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0 }));
      }),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
