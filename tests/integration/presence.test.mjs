// Agent availability: online / away / offline, chosen by the agent and lost when its
// connections are gone longer than the grace period (2 s here).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, agent, createAgent, expectError,
} from './lib/harness.mjs';

let server;
let ctx;
let colleague;

before(async () => {
  server = await startServer({ env: { JUTTU_AGENT_OFFLINE_GRACE: '2' } });
  ctx = await demo(server);
  colleague = await createAgent(server, ctx.token, { name: 'Watching Colleague' });
});

async function availabilityOf(agentId) {
  const agents = expectStatus(await api(server, ctx.token, 'GET', '/agents'), 200).items;
  return agents.find((a) => a.id === agentId).availability;
}

const statusOf = (agentId, availability) => (f) =>
  f.type === 'agent_status' && f.agent_id === agentId && f.availability === availability;

describe('agent availability', () => {
  it('an agent is offline until it connects, then online, and colleagues are told', async () => {
    const adminId = ctx.admin.agent.id;
    assert.equal(await availabilityOf(adminId), 'offline');
    const watcher = await agent(server, colleague.token, { label: 'watcher' });
    const admin = await agent(server, ctx.token, { label: 'admin' });
    assert.equal(admin.welcome.availability, 'online');
    await watcher.next(statusOf(adminId, 'online'));
    assert.equal(await availabilityOf(adminId), 'online');

    admin.send({ type: 'status', availability: 'away' });
    await watcher.next(statusOf(adminId, 'away'));
    assert.equal(await availabilityOf(adminId), 'away');
    admin.send({ type: 'status', availability: 'online' });
    await watcher.next(statusOf(adminId, 'online'));

    // All connections gone: offline once the grace period has passed.
    await admin.close();
    const started = Date.now();
    await watcher.next(statusOf(adminId, 'offline'), 6000);
    const took = Date.now() - started;
    assert.ok(took >= 1500, `offline after ${took} ms, before the 2 s grace period`);
    assert.equal(await availabilityOf(adminId), 'offline');
    await watcher.close();
  });

  it('a reload within the grace period keeps the agent online, and its choice', async () => {
    const id = colleague.agent.id;
    const first = await agent(server, colleague.token, { label: 'tab-1' });
    first.send({ type: 'status', availability: 'away' });
    await first.next(statusOf(id, 'away'));
    await first.close();
    const second = await agent(server, colleague.token, { label: 'tab-2' });
    assert.equal(second.welcome.availability, 'away');
    // Past the grace period, with a connection open, nothing changed.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(second.received(statusOf(id, 'offline')).length, 0);
    assert.equal(await availabilityOf(id), 'away');
    await second.close();
  });

  it('bad status frames are refused and change nothing', async () => {
    const admin = await agent(server, ctx.token, { label: 'admin-bad' });
    await expectError(admin, { type: 'status', availability: 'busy' }, 'bad_frame');
    await expectError(admin, { type: 'status', availability: { $ne: 'x' } }, 'bad_frame');
    await expectError(admin, { type: 'status' }, 'bad_frame');
    assert.equal(await availabilityOf(ctx.admin.agent.id), 'online');
    const v = await visitor(server, ctx.siteKey, { label: 'visitor-status' });
    await expectError(v, { type: 'status', availability: 'online' }, 'bad_frame');
    await v.close();
    await admin.close();
  });
});
