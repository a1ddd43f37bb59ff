// Routing and the queue: automatic assignment within capacity (also under a burst of
// visitors arriving at once), fairness, the queue's order and places, hand-out when
// capacity frees up or an agent comes online, manual mode, teams and languages, transfer,
// internal notes, and the wait / first-response times.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, agent, createAgent, eventually, uid,
} from './lib/harness.mjs';

async function setCapacity(server, token, agentId, capacity) {
  expectStatus(await api(server, token, 'PATCH', `/agents/${agentId}`, { capacity }), 200);
}

async function conversation(server, token, id) {
  return expectStatus(await api(server, token, 'GET', `/conversations/${id}`), 200).conversation;
}

async function queue(server, token) {
  return expectStatus(await api(server, token, 'GET', '/queue'), 200).items;
}

async function openChatsBy(server, token) {
  const items = expectStatus(await api(server, token, 'GET', '/conversations?status=open&limit=100'), 200).items;
  const counts = new Map();
  for (const c of items) {
    if (c.assignee_id !== null) counts.set(c.assignee_id, (counts.get(c.assignee_id) ?? 0) + 1);
  }
  return counts;
}

describe('automatic assignment and the queue', () => {
  let server;
  let ctx;
  const agents = [];
  const sockets = [];
  const visitors = [];

  before(async () => {
    server = await startServer();
    ctx = await demo(server);
    for (let i = 0; i < 3; i += 1) {
      const a = await createAgent(server, ctx.token, { name: `Router ${i}` });
      await setCapacity(server, ctx.token, a.agent.id, 2);
      agents.push(a);
      sockets.push(await agent(server, a.token, { label: `agent-${i}` }));
    }
  });

  after(async () => {
    for (const s of [...sockets, ...visitors]) await s.close();
    await server.stop();
  });

  it('a burst of 20 visitors: 6 assigned, two per agent, never more; 14 queued in arrival order', async () => {
    for (let i = 0; i < 20; i += 1) visitors.push(await visitor(server, ctx.siteKey, { label: `v${i}` }));
    // Sequential first messages fix the arrival order; the routing passes still race them.
    const acks = [];
    for (const v of visitors) acks.push(await v.sendMessage(`hello from ${v.label}`));
    await eventually(async () => (await queue(server, ctx.token)).length === 14, { what: '14 queued' });
    const counts = await openChatsBy(server, ctx.token);
    for (const a of agents) assert.equal(counts.get(a.agent.id), 2, `agent ${a.agent.name}`);
    assert.equal([...counts.values()].reduce((x, y) => x + y, 0), 6);

    const waiting = await queue(server, ctx.token);
    assert.deepEqual(waiting.map((q) => q.position), [...Array(14).keys()].map((i) => i + 1));
    const queuedIds = acks.map((a) => a.conversation_id).filter((id) => waiting.some((q) => q.id === id));
    assert.deepEqual(waiting.map((q) => q.id), queuedIds, 'queue in arrival order');
    assert.ok(waiting.every((q) => q.estimated_wait_s >= 60 && q.contact.id > 0));
    assert.ok(waiting[13].estimated_wait_s >= waiting[0].estimated_wait_s);

    // Each queued visitor is told their place.
    for (const q of waiting) {
      const v = visitors.find((x) => acks[visitors.indexOf(x)].conversation_id === q.id);
      await v.next((f) => f.type === 'queue' && f.conversation_id === q.id && f.position === q.position);
    }
  });

  it('a closed chat frees capacity: the head of the queue goes to that agent, the rest move up', async () => {
    const before = await queue(server, ctx.token);
    const head = before[0];
    const second = before[1];
    const mine = expectStatus(await api(server, agents[0].token, 'GET', '/conversations?assignee=me&status=open'), 200).items;
    expectStatus(await api(server, agents[0].token, 'POST', `/conversations/${mine[0].id}/close`), 200);

    await eventually(async () => (await conversation(server, ctx.token, head.id)).assignee_id === agents[0].agent.id,
      { what: 'head assigned to the freed agent' });
    const headVisitor = visitors.find((v) => v.contact.id === head.contact.id);
    await headVisitor.next((f) => f.type === 'queue' && f.conversation_id === head.id && f.position === 0);
    await headVisitor.next((f) => f.type === 'conversation' && f.conversation.id === head.id &&
      f.conversation.assignee_id === agents[0].agent.id);
    const secondVisitor = visitors.find((v) => v.contact.id === second.contact.id);
    await secondVisitor.next((f) => f.type === 'queue' && f.conversation_id === second.id && f.position === 1);
    const assigned = await conversation(server, ctx.token, head.id);
    assert.ok(assigned.first_assigned_at >= assigned.created_at);
    assert.equal(assigned.first_response_at, null);
  });

  it('an agent coming online takes from the head of the queue, up to its capacity', async () => {
    const before = await queue(server, ctx.token);
    const late = await createAgent(server, ctx.token, { name: 'Late Agent' });
    await setCapacity(server, ctx.token, late.agent.id, 3);
    sockets.push(await agent(server, late.token, { label: 'late' }));
    await eventually(async () => (await queue(server, ctx.token)).length === before.length - 3, { what: 'three taken' });
    for (const q of before.slice(0, 3)) {
      assert.equal((await conversation(server, ctx.token, q.id)).assignee_id, late.agent.id);
    }
    const counts = await openChatsBy(server, ctx.token);
    assert.equal(counts.get(late.agent.id), 3);
  });

  it('an agent who goes away takes no new chats; the first reply records the first response time', async () => {
    sockets[1].send({ type: 'status', availability: 'away' });
    const mine = expectStatus(await api(server, agents[1].token, 'GET', '/conversations?assignee=me&status=open'), 200).items;
    const reply = await sockets[1].sendMessage('Hello, how can I help?', { conversation_id: mine[0].id });
    assert.ok(reply.seq > 0);
    const answered = await conversation(server, ctx.token, mine[0].id);
    assert.ok(answered.first_response_at >= answered.created_at);
    const waiting = (await queue(server, ctx.token)).length;
    expectStatus(await api(server, agents[1].token, 'POST', `/conversations/${mine[1].id}/close`), 200);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await queue(server, ctx.token)).length, waiting, 'an away agent takes nothing');
    assert.equal((await openChatsBy(server, ctx.token)).get(agents[1].agent.id), 1);
  });
});

describe('manual routing, teams, languages and transfer', () => {
  let server;
  let ctx;
  let sales;
  let support;
  let finn;
  const open = [];

  before(async () => {
    server = await startServer();
    ctx = await demo(server);
    sales = await createAgent(server, ctx.token, { name: 'Sales Person' });
    support = await createAgent(server, ctx.token, { name: 'Support Person' });
    finn = await createAgent(server, ctx.token, { name: 'Finnish Speaker' });
    expectStatus(await api(server, ctx.token, 'PATCH', `/agents/${finn.agent.id}`, { languages: ['fi'] }), 200);
    for (const a of [sales, support, finn]) open.push(await agent(server, a.token, { label: a.agent.name }));
  });

  after(async () => {
    for (const s of open) await s.close();
    await server.stop();
  });

  it('a site in manual mode keeps chats in the queue until an agent takes one', async () => {
    expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { routing: 'manual' }), 200);
    const v = await visitor(server, ctx.siteKey);
    open.push(v);
    const { conversation_id: id } = await v.sendMessage('manual please');
    await v.next((f) => f.type === 'queue' && f.conversation_id === id && f.position === 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await conversation(server, ctx.token, id)).assignee_id, null);
    assert.deepEqual((await queue(server, ctx.token)).map((q) => q.id), [id]);

    // Two agents take it at the same moment: one gets it, the other is told, nobody loses it.
    const [first, second] = await Promise.all([
      api(server, support.token, 'POST', `/conversations/${id}/take`),
      api(server, sales.token, 'POST', `/conversations/${id}/take`),
    ]);
    assert.deepEqual([first.status, second.status].sort(), [200, 409], `${first.text} ${second.text}`);
    const winner = first.status === 200 ? support : sales;
    const loser = first.status === 200 ? second : first;
    assert.equal(loser.body.error.code, 'conflict');
    assert.equal((await conversation(server, ctx.token, id)).assignee_id, winner.agent.id);
    expectStatus(await api(server, winner.token, 'POST', `/conversations/${id}/take`), 200);
    expectStatus(await api(server, winner.token, 'POST', '/conversations/999999/take'), 404, 'not_found');
    await v.next((f) => f.type === 'queue' && f.conversation_id === id && f.position === 0);
    assert.deepEqual(await queue(server, ctx.token), []);
    if (winner !== support) {
      expectStatus(await api(server, ctx.token, 'POST', `/conversations/${id}/assign`, { agent_id: support.agent.id }), 200);
    }
    expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { routing: 'auto' }), 200);
  });

  it('a chat for a team goes to a member of the team, even when others have more room', async () => {
    const team = expectStatus(await api(server, ctx.token, 'POST', '/teams',
      { name: 'Sales', agent_ids: [sales.agent.id] }), 201);
    assert.deepEqual(team.agent_ids, [sales.agent.id]);
    const member = expectStatus(await api(server, ctx.token, 'GET', `/agents/${sales.agent.id}`), 200);
    assert.deepEqual(member.team_ids, [team.id]);
    const v = await visitor(server, ctx.siteKey);
    open.push(v);
    const { conversation_id: id } = await v.sendMessage('I want to buy', { team_id: team.id });
    await eventually(async () => (await conversation(server, ctx.token, id)).assignee_id === sales.agent.id,
      { what: 'assigned to the sales member' });
    assert.equal((await conversation(server, ctx.token, id)).team_id, team.id);
    const listed = expectStatus(await api(server, ctx.token, 'GET', `/conversations?team=${team.id}`), 200).items;
    assert.deepEqual(listed.map((c) => c.id), [id]);
  });

  it('the visitor\'s language is preferred: a Finnish visitor goes to the Finnish-speaking agent', async () => {
    const v = await visitor(server, ctx.siteKey, { context: { language: 'fi-FI' } });
    open.push(v);
    const { conversation_id: id } = await v.sendMessage('Hei!');
    await eventually(async () => (await conversation(server, ctx.token, id)).assignee_id === finn.agent.id,
      { what: 'assigned to the Finnish speaker' });
  });

  it('transfer to an agent with a note: the note is internal, the visitor never sees it', async () => {
    const v = await visitor(server, ctx.siteKey);
    open.push(v);
    const { conversation_id: id } = await v.sendMessage('transfer me');
    await eventually(async () => (await conversation(server, ctx.token, id)).assignee_id !== null, { what: 'assigned' });
    const secret = `internal-${uid('n')}`;
    const watcher = open[0];
    const res = expectStatus(await api(server, ctx.token, 'POST', `/conversations/${id}/transfer`,
      { agent_id: support.agent.id, note: secret }), 200);
    assert.equal(res.conversation.assignee_id, support.agent.id);
    const noteEvent = await watcher.next((f) => f.type === 'note' && f.conversation_id === id);
    assert.equal(noteEvent.note.body, secret);
    const notes = expectStatus(await api(server, support.token, 'GET', `/conversations/${id}/notes`), 200).items;
    assert.deepEqual(notes.map((n) => n.body), [secret]);
    assert.equal(notes[0].author_name, ctx.admin.agent.name);

    await v.next((f) => f.type === 'conversation' && f.conversation.assignee_id === support.agent.id);
    v.send({ type: 'sync', conversation_id: id, after_seq: 0 });
    const history = await v.next('history');
    assert.ok(!JSON.stringify(history).includes(secret), 'a note in the visitor\'s history');
    await v.roundTrip();
    const leaked = v.received((f) => JSON.stringify(f).includes(secret));
    assert.deepEqual(leaked, [], "a note reached the visitor");
    const messages = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${id}/messages`), 200);
    assert.ok(!JSON.stringify(messages).includes(secret), 'a note among the messages');
  });

  it('transfer to a team: the assignee is cleared and routing picks a member', async () => {
    const team = expectStatus(await api(server, ctx.token, 'POST', '/teams',
      { name: 'Support', agent_ids: [support.agent.id] }), 201);
    const v = await visitor(server, ctx.siteKey);
    open.push(v);
    const { conversation_id: id } = await v.sendMessage('to support');
    await eventually(async () => (await conversation(server, ctx.token, id)).assignee_id !== null, { what: 'assigned' });
    expectStatus(await api(server, ctx.token, 'POST', `/conversations/${id}/transfer`, { team_id: team.id }), 200);
    await eventually(async () => {
      const c = await conversation(server, ctx.token, id);
      return c.team_id === team.id && c.assignee_id === support.agent.id;
    }, { what: 'routed to the support member' });
  });

  it('transfer refuses bad targets and changes nothing', async () => {
    const v = await visitor(server, ctx.siteKey);
    open.push(v);
    const { conversation_id: id } = await v.sendMessage('stay');
    await eventually(async () => (await conversation(server, ctx.token, id)).assignee_id !== null, { what: 'assigned' });
    const before = await conversation(server, ctx.token, id);
    for (const [body, status] of [[{}, 400], [{ agent_id: 1, team_id: 1 }, 400], [{ agent_id: 999999 }, 404],
      [{ team_id: 999999 }, 404], [{ agent_id: 'x' }, 400], [{ agent_id: support.agent.id, note: '' + ' '.repeat(3) }, 400]]) {
      const res = await api(server, ctx.token, 'POST', `/conversations/${id}/transfer`, body);
      assert.equal(res.status, status, `${JSON.stringify(body)} → ${res.status} ${res.text}`);
    }
    assert.deepEqual(await conversation(server, ctx.token, id), before);
    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', `/conversations/${id}/notes`), 200).items, []);
  });

  it('teams: names are unique, members must be agents of the workspace, deleting keeps the chats', async () => {
    const made = expectStatus(await api(server, ctx.token, 'POST', '/teams', { name: 'Billing' }), 201);
    expectStatus(await api(server, ctx.token, 'POST', '/teams', { name: 'Billing' }), 409, 'conflict');
    expectStatus(await api(server, ctx.token, 'POST', '/teams', { name: ' ' }), 400, 'validation_failed');
    expectStatus(await api(server, ctx.token, 'PATCH', `/teams/${made.id}`, { agent_ids: [424242] }), 400, 'validation_failed');
    expectStatus(await api(server, sales.token, 'POST', '/teams', { name: 'Mine' }), 403, 'forbidden');
    const renamed = expectStatus(await api(server, ctx.token, 'PATCH', `/teams/${made.id}`,
      { name: 'Invoices', agent_ids: [finn.agent.id, sales.agent.id, finn.agent.id] }), 200);
    assert.equal(renamed.name, 'Invoices');
    assert.deepEqual(renamed.agent_ids, [sales.agent.id, finn.agent.id].sort((a, b) => a - b));
    expectStatus(await api(server, ctx.token, 'DELETE', `/teams/${made.id}`), 204);
    expectStatus(await api(server, ctx.token, 'GET', `/teams/${made.id}`), 404, 'not_found');
    const member = expectStatus(await api(server, ctx.token, 'GET', `/agents/${finn.agent.id}`), 200);
    assert.ok(!member.team_ids.includes(made.id));
  });

  it('canned responses of a team are offered only to its members', async () => {
    const team = expectStatus(await api(server, ctx.token, 'POST', '/teams',
      { name: 'Returns', agent_ids: [sales.agent.id] }), 201);
    expectStatus(await api(server, ctx.token, 'POST', '/canned-responses',
      { shortcut: 'returns', body: 'Returns are free.', team_id: team.id }), 201);
    expectStatus(await api(server, ctx.token, 'POST', '/canned-responses',
      { shortcut: 'bad-team', body: 'x', team_id: 999999 }), 400, 'validation_failed');
    const shortcuts = async (token) => expectStatus(await api(server, token, 'GET', '/canned-responses'), 200)
      .items.map((c) => c.shortcut);
    assert.ok((await shortcuts(sales.token)).includes('returns'));
    assert.ok(!(await shortcuts(support.token)).includes('returns'));
    assert.ok((await shortcuts(ctx.token)).includes('returns'), 'admins see every one');
    const reply = (await api(server, ctx.token, 'GET', '/canned-responses')).body.items.find((c) => c.shortcut === 'returns');
    expectStatus(await api(server, sales.token, 'GET', `/canned-responses/${reply.id}`), 200);
    expectStatus(await api(server, support.token, 'GET', `/canned-responses/${reply.id}`), 404, 'not_found');
  });
});
