/**
 * @module connection/dispatch
 * Routes decoded commands to their handlers, in Centrifugo's order rules:
 * - a frame's commands are handled in order; while `connect` is in progress later commands wait for it;
 * - subscribe / unsubscribe / sub_refresh / refresh run one after another per connection (their effects on the
 *   subscription set must not interleave); rpc, publish, history, presence run concurrently;
 * - a command before connect, a second connect, a command with id 0 (other than `send`), an unexpected pong or an
 *   undecodable frame is disconnect 3501 bad request;
 * - over the command rate a command gets error 111 (temporary).
 * Handler outcomes: ProtocolError → error reply; Disconnect → close; anything else → logged, error 100.
 */
import { FrameError, type Command } from '@cadenza/protocol';
import { Disconnect, ProtocolError } from '../errors.ts';
import { handlePresence, handlePresenceStats, handleHistory, handlePublish, handleRpc, handleSend } from './calls.ts';
import type { Connection } from './connection.ts';
import { handleConnect, handleRefresh } from './connect.ts';
import { handleSubRefresh, handleSubscribe, handleUnsubscribe } from './subscribe.ts';

/** Handles one incoming WebSocket message. */
export function onFrame(client: Connection, data: Buffer): void {
  if (client.closed) return;
  client.host.countIn();
  let commands: Command[];
  try {
    commands = client.codec.decodeCommands(data);
  } catch (err) {
    if (!(err instanceof FrameError)) client.host.log.error({ err }, 'codec failure');
    client.close(Disconnect.badRequest());
    return;
  }
  for (const cmd of commands) {
    if (client.closed) return;
    if (!client.hold(cmd)) handleCommand(client, cmd);
  }
}

/** Runs a handler and turns what it throws into the reply or disconnect the client expects. */
async function run(client: Connection, id: number, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (client.state === 'closed') return;
    if (err instanceof ProtocolError) {
      if (id > 0) client.send([{ id, error: err.toBody() }]);
    } else if (err instanceof Disconnect) {
      client.close(err);
    } else {
      client.host.log.error({ err, client: client.clientId }, 'command handler failed');
      if (id > 0) client.send([{ id, error: ProtocolError.internal().toBody() }]);
    }
  }
}

function serial(client: Connection, id: number, work: () => Promise<void>): void {
  client.inOrder(() => run(client, id, work));
}

function handleCommand(client: Connection, cmd: Command): void {
  if (cmd.method === undefined) {
    if (cmd.empty && client.pongReceived()) return;
    if (!cmd.empty && cmd.id > 0 && client.state === 'connected') {
      client.send([{ id: cmd.id, error: ProtocolError.methodNotFound().toBody() }]);
      return;
    }
    client.close(Disconnect.badRequest());
    return;
  }
  if (cmd.id === 0 && cmd.method !== 'send') {
    client.close(Disconnect.badRequest());
    return;
  }
  if (client.state === 'connecting') {
    if (cmd.method !== 'connect') {
      client.close(Disconnect.badRequest());
      return;
    }
    client.holdCommands();
    void run(client, cmd.id, () => handleConnect(client, cmd.id, cmd.connect)).then(() => {
      const waiting = client.releaseHeld();
      // After a failed connect the client closes and retries; its queued subscribes are dropped, not refused.
      if (client.state !== 'connected') return;
      for (const c of waiting) {
        if (client.state !== 'connected') return;
        handleCommand(client, c);
      }
    });
    return;
  }
  if (cmd.method === 'connect') {
    client.close(Disconnect.badRequest());
    return;
  }
  if (!client.takeToken(client.host.now())) {
    if (cmd.id > 0) client.send([{ id: cmd.id, error: ProtocolError.tooManyRequests().toBody() }]);
    return;
  }
  // An empty channel is a protocol violation (Go server: 3501); checked here so later commands of the frame stop.
  if ((cmd.method === 'subscribe' && cmd.subscribe.channel === '') || (cmd.method === 'unsubscribe' && cmd.unsubscribe.channel === '')) {
    client.close(Disconnect.badRequest());
    return;
  }
  const id = cmd.id;
  switch (cmd.method) {
    case 'subscribe':
      return serial(client, id, () => handleSubscribe(client, id, cmd.subscribe));
    case 'unsubscribe':
      return serial(client, id, () => handleUnsubscribe(client, id, cmd.unsubscribe));
    case 'sub_refresh':
      return serial(client, id, () => handleSubRefresh(client, id, cmd.sub_refresh));
    case 'refresh':
      return serial(client, id, () => handleRefresh(client, id, cmd.refresh));
    case 'publish':
      void run(client, id, () => handlePublish(client, id, cmd.publish));
      return;
    case 'presence':
      void run(client, id, () => handlePresence(client, id, cmd.presence));
      return;
    case 'presence_stats':
      void run(client, id, () => handlePresenceStats(client, id, cmd.presence_stats));
      return;
    case 'history':
      void run(client, id, () => handleHistory(client, id, cmd.history));
      return;
    case 'rpc':
      void run(client, id, () => handleRpc(client, id, cmd.rpc));
      return;
    case 'send':
      void run(client, 0, () => handleSend(client, cmd.send));
      return;
    case 'ping':
      client.send([{ id, ping: {} }]);
      return;
  }
}
