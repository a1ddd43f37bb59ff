// Under faults (docs/security.md, "Faults"): a graceful stop acknowledges what it stored
// before the sockets close; a peer that stops reading or answering is let go within a
// bounded time instead of the 60 s of an idle timeout.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, agent, uid, metric,
} from './lib/harness.mjs';

const websocketGauge = (server) => metric(server, 'juttu_connections');

async function waitGauge(server, want, timeoutMs) {
  const started = Date.now();
  for (;;) {
    const now = await websocketGauge(server);
    if (now === want) return Date.now() - started;
    if (Date.now() - started > timeoutMs) assert.fail(`${now} WebSockets open after ${timeoutMs} ms, wanted ${want}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('graceful stop', () => {
  it('SIGTERM sends the ack of every message it stored before the close frame', async () => {
    for (let round = 0; round < 3; round++) {
      const server = await startServer();
      const d = await demo(server);
      const v = await visitor(server, d.siteKey);
      // A stream of sends, and SIGTERM in the middle of it, while many are in flight.
      const send = (i) => v.send({ type: 'send', client_id: `t${round}-${i}`, body: `message ${i}` });
      for (let i = 0; i < 100; i++) send(i);
      await v.next((f) => f.type === 'ack' && f.client_id === `t${round}-20`);
      server.proc.kill('SIGTERM');
      for (let i = 100; i < 300; i++) send(i);
      const close = await v.waitClosed(10000);
      assert.equal(close.code, 1001, JSON.stringify(close));
      const acked = new Set(v.received('ack').map((f) => f.client_id));
      await server.exited;

      const again = await server.restart();
      const d2 = await demo(again);
      const conversations = expectStatus(await api(again, d2.token, 'GET', '/conversations?limit=100'), 200).items;
      const stored = [];
      for (const c of conversations) {
        const page = expectStatus(await api(again, d2.token, 'GET', `/conversations/${c.id}/messages?after_seq=0&limit=500`), 200);
        stored.push(...page.items.map((m) => m.client_id));
      }
      const unacked = stored.filter((id) => !acked.has(id));
      assert.deepEqual(unacked, [], `round ${round}: ${unacked.length} of ${stored.length} stored messages had no ack before the close`);
      assert.ok(stored.length > 0, 'some messages were stored');
      await again.stop();
    }
  });
});

describe('slow and dead peers', () => {
  it('a client that never reads is dropped, and its socket freed within the close deadline', async () => {
    const server = await startServer();
    const d = await demo(server);
    const reader = await agent(server, d.token, { label: 'never-reads' });
    const v = await visitor(server, d.siteKey);
    await waitGauge(server, 2, 2000);
    reader.pauseReading();
    // Events for the agent pile up: 10 KB messages fill its kernel buffers and then its
    // queue (1,024 frames or 8 MiB), and the server decides on 1013.
    // The visitor itself reads as it goes (a few sends at a time).
    const body = 'x'.repeat(9000);
    for (let i = 0; i < 1500; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => v.sendMessage(body, {}, 10000)));
    }
    // The close frame cannot be written to a peer that reads nothing: the socket is
    // aborted within ws_close_deadline (5 s) rather than at the idle timeout.
    const tookMs = await waitGauge(server, 1, 9000);
    assert.ok(tookMs < 9000, `freed after ${tookMs} ms`);
    assert.ok(v.isOpen, 'the visitor is not affected');
  });

  it('a peer that stops answering pings is found within the idle timeout', async () => {
    const server = await startServer({ env: { JUTTU_WS_IDLE_TIMEOUT: '4' } });
    const d = await demo(server);
    const silent = await visitor(server, d.siteKey, { label: 'half-open' });
    await waitGauge(server, 1, 2000);
    const started = Date.now();
    silent.pauseReading();  // no pong goes back, as from a vanished peer
    await waitGauge(server, 0, 8000);
    const took = Date.now() - started;
    assert.ok(took >= 1500 && took < 8000, `closed after ${took} ms`);
  });
});
