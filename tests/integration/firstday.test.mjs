// First-day fixes on REST: the inbox's "mine or nobody's" view and its tab counts, and a
// missed chat that an agent answered later.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus, visitor, agent } from './lib/harness.mjs';

describe('first-day inbox', () => {
  let server;
  let ctx;
  before(async () => {
    server = await startServer({ env: { JUTTU_VISITOR_LEAVE_GRACE: '1' } });
    ctx = await demo(server);
    expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { routing: 'manual' }), 200);
  });
  after(() => server.stop());

  const counts = async () => expectStatus(await api(server, ctx.token, 'GET', '/conversations/counts?status=open'), 200);
  const listed = async (assignee) =>
    expectStatus(await api(server, ctx.token, 'GET', `/conversations?status=open&assignee=${assignee}`), 200).items.map((c) => c.id);

  it('lists mine and unassigned together, and counts each tab', async () => {
    const v = await visitor(server, ctx.siteKey, { label: 'first' });
    const { conversation_id: id } = await v.sendMessage('first chat');
    assert.deepEqual(await counts(), { me_or_none: 1, none: 1, me: 0, all: 1 });
    assert.deepEqual(await listed('me_or_none'), [id]);
    expectStatus(await api(server, ctx.token, 'POST', `/conversations/${id}/take`), 200);
    assert.deepEqual(await counts(), { me_or_none: 1, none: 0, me: 1, all: 1 });
    assert.deepEqual(await listed('me_or_none'), [id]);
    assert.deepEqual(await listed('none'), []);
    expectStatus(await api(server, ctx.token, 'GET', '/conversations/counts?status=nope'), 400, 'validation_failed');
    expectStatus(await api(server, ctx.token, 'GET', '/conversations?assignee=everyone'), 400, 'validation_failed');
    await v.close();
  });

  it('a missed chat stays missed after an answer, and says it was answered', async () => {
    const watcher = await agent(server, ctx.token, { label: 'watcher' });
    const leaver = await visitor(server, ctx.siteKey, { label: 'leaver' });
    const { conversation_id: id } = await leaver.sendMessage('anyone there?');
    await leaver.close();
    const event = await watcher.next((f) => f.type === 'conversation' && f.conversation.id === id && f.conversation.missed, 6000);
    assert.equal(event.conversation.answered_after_missed, false);
    await watcher.sendMessage('Sorry, here now!', { conversation_id: id });
    const c = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${id}`), 200).conversation;
    assert.equal(c.missed, true);
    assert.equal(c.answered_after_missed, true);
    const missed = expectStatus(await api(server, ctx.token, 'GET', '/conversations?missed=true'), 200).items;
    assert.ok(missed.some((x) => x.id === id && x.answered_after_missed));
    await watcher.close();
  });
});
