// Running Juttu: health and metrics, graceful shutdown and restart, the conversation
// list (filters, cursor paging), conversation events, the OpenAPI description against
// docs/api.md, and the command line.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, demo, api, rawRequest, expectStatus, visitor, agent, expectError, login, createAgent, runCli, cliOk,
  eventually, tempDir, uid, REPO_ROOT, ADMIN_EMAIL,
} from './lib/harness.mjs';

let server;
let ctx;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
});

async function listAll(query, token = ctx.token) {
  return expectStatus(await api(server, token, 'GET', `/conversations?limit=100${query ? `&${query}` : ''}`), 200).items;
}

async function newSite(name) {
  return expectStatus(await api(server, ctx.token, 'POST', '/sites', { name, allowed_origins: [server.origin] }), 201);
}

// ---------------------------------------------------------------------------------------

function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)(\s+\d+)?$/.exec(line.trim());
    assert.ok(m, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels = {};
    if (m[3]) for (const [, k, v] of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    assert.ok(!Number.isNaN(value) || m[4] === 'NaN', `bad value in ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return samples;
}

async function metrics() {
  const res = await api(server, null, 'GET', '/metrics');
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type') || '', /^text\/plain/);
  return { text: res.text, samples: parseMetrics(res.text) };
}

const sum = (samples, name) => samples.filter((s) => s.name === name).reduce((a, s) => a + s.value, 0);

describe('health and metrics', () => {
  it('GET /healthz → 200 {"status":"ok"}', async () => {
    const res = await api(server, null, 'GET', '/healthz');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  it('GET /metrics is Prometheus text with the juttu_ metrics', async () => {
    const v = await visitor(server, ctx.siteKey, { label: 'metered' });
    await v.sendMessage('count me');
    const { text, samples } = await metrics();
    const names = new Set(samples.map((s) => s.name));
    for (const name of ['juttu_connections', 'juttu_messages_total', 'juttu_store_commit_seconds_bucket',
      'juttu_store_commit_seconds_sum', 'juttu_store_commit_seconds_count', 'juttu_store_queue_depth',
      'juttu_store_checkpoints_total', 'juttu_store_checkpoint_tails_total']) {
      assert.ok(names.has(name), `no ${name} in\n${text}`);
    }
    assert.ok(sum(samples, 'juttu_connections') >= 1, 'an open WebSocket is not counted');
    assert.ok(sum(samples, 'juttu_messages_total') >= 1);
    assert.ok(sum(samples, 'juttu_store_queue_depth') >= 0);

    // A well-formed histogram: cumulative buckets ending in +Inf = _count.
    const buckets = samples.filter((s) => s.name === 'juttu_store_commit_seconds_bucket');
    const byLe = buckets.map((b) => [b.labels.le === '+Inf' ? Infinity : Number(b.labels.le), b.value]).sort((a, b) => a[0] - b[0]);
    assert.equal(byLe.at(-1)[0], Infinity, 'no le="+Inf" bucket');
    for (let i = 1; i < byLe.length; i++) assert.ok(byLe[i][1] >= byLe[i - 1][1], `buckets not cumulative: ${JSON.stringify(byLe)}`);
    assert.equal(byLe.at(-1)[1], sum(samples, 'juttu_store_commit_seconds_count'));
    assert.ok(sum(samples, 'juttu_store_commit_seconds_count') >= 1, 'the message commit was not observed');
    await v.close();
  });

  it('juttu_messages_total rises with each message', async () => {
    const before = sum((await metrics()).samples, 'juttu_messages_total');
    const v = await visitor(server, ctx.siteKey, { label: 'metered-2' });
    await v.sendMessage('one more');
    await v.sendMessage('and another');
    await eventually(async () => sum((await metrics()).samples, 'juttu_messages_total') >= before + 2,
      { what: `juttu_messages_total ≥ ${before + 2}`, timeoutMs: 2000 });
    await v.close();
  });
});

// ---------------------------------------------------------------------------------------

describe('one server per data dir', () => {
  it('a second juttu serve on the same data dir refuses to start, with one line, and touches nothing', async () => {
    // A blob without a row, as an upload in flight has one: a second server's start-up
    // sweep would take it for a crash's leftover.
    const inFlight = path.join(server.dataDir, 'files', 'f_INFLIGHTINFLIGHTINFLIGHT');
    fs.mkdirSync(path.dirname(inFlight), { recursive: true });
    fs.writeFileSync(inFlight, 'bytes of an upload in flight');
    const second = await runCli(['serve', '--listen', '127.0.0.1:0', '--data-dir', server.dataDir]);
    assert.equal(second.code, 1);
    assert.equal(second.stderr.trim().split('\n').length, 1, second.stderr);
    assert.match(second.stderr, /another juttu serve is using/);
    assert.ok(fs.existsSync(inFlight), 'the first server\'s blob is still there');
    fs.rmSync(inFlight);
    expectStatus(await api(server, null, 'GET', '/healthz'), 200);
  });
});

describe('shutdown and restart', () => {
  it('SIGTERM closes open WebSockets with 1001 and exits 0; a restart keeps everything and bootstraps nothing', async () => {
    const srv = await startServer();
    const d = await demo(srv);
    const a = await agent(srv, d.token, { label: 'agent' });
    const v = await visitor(srv, d.siteKey, { label: 'visitor' });
    const ack = await v.sendMessage('before the shutdown');
    const sitesBefore = expectStatus(await api(srv, d.token, 'GET', '/sites'), 200).items;
    // Availability is live state (who is connected now), not stored data.
    const stored = (agents) => agents.map(({ availability, ...rest }) => rest);
    const agentsBefore = stored(expectStatus(await api(srv, d.token, 'GET', '/agents'), 200).items);
    const meBefore = expectStatus(await api(srv, d.token, 'GET', '/me'), 200);
    assert.deepEqual(sitesBefore.map((s) => s.name), ['Demo shop']);
    assert.ok(sitesBefore[0].allowed_origins.includes(srv.origin), JSON.stringify(sitesBefore[0]));

    const exit = srv.stop('SIGTERM');
    const [vc, ac] = await Promise.all([v.waitClosed(), a.waitClosed()]);
    assert.equal(vc.code, 1001, 'visitor close code');
    assert.equal(ac.code, 1001, 'agent close code');
    assert.deepEqual(await exit, { code: 0, signal: null });

    // Different bootstrap credentials on restart must not matter: the data dir is not empty.
    const again = await srv.restart({ env: { JUTTU_BOOTSTRAP_ADMIN_PASSWORD: 'another-bootstrap-pw' } });
    const bad = await api(again, null, 'POST', '/auth/login', { email: ADMIN_EMAIL, password: 'another-bootstrap-pw' });
    expectStatus(bad, 401, 'invalid_credentials');
    const d2 = await demo(again);
    assert.deepEqual(expectStatus(await api(again, d2.token, 'GET', '/sites'), 200).items, sitesBefore);
    assert.deepEqual(stored(expectStatus(await api(again, d2.token, 'GET', '/agents'), 200).items), agentsBefore);
    assert.deepEqual(expectStatus(await api(again, d2.token, 'GET', '/me'), 200).workspace, meBefore.workspace);
    const msgs = expectStatus(await api(again, d2.token, 'GET', `/conversations/${ack.conversation_id}/messages`), 200);
    assert.deepEqual(msgs.items.map((m) => [m.seq, m.body]), [[1, 'before the shutdown']]);
    // "Demo" still names the one workspace: a site made for it shows up for its admin.
    const key = await cliOk(['admin', 'site', 'create', '--data-dir', again.dataDir, '--workspace', 'Demo', '--name', 'After restart', '--origin', 'https://after.example']);
    const sites = expectStatus(await api(again, d2.token, 'GET', '/sites'), 200).items;
    assert.ok(sites.some((s) => s.key === key), JSON.stringify(sites));

    const back = await visitor(again, d2.siteKey, { contactToken: v.contactToken, label: 'visitor-back' });
    assert.equal(back.contact.id, v.contact.id);
    assert.equal(back.conversation.id, ack.conversation_id);
    assert.equal(back.conversation.last_seq, 1);
    assert.equal((await back.sendMessage('after the restart')).seq, 2);
    const a2 = await agent(again, d2.token, { label: 'agent-again' });
    const exit2 = again.stop('SIGTERM');
    assert.equal((await back.waitClosed()).code, 1001);
    assert.equal((await a2.waitClosed()).code, 1001);
    assert.deepEqual(await exit2, { code: 0, signal: null });
  });
});

// ---------------------------------------------------------------------------------------

describe('conversation list', () => {
  it('filters by status, assignee (me, none, id) and site', async () => {
    const other = await createAgent(server.url, ctx.token, { role: 'agent' });
    const me = ctx.admin.agent.id;
    const mk = async (siteKey, label) => {
      const v = await visitor(server, siteKey, { label });
      const { conversation_id: id } = await v.sendMessage(`hello from ${label}`);
      await v.close();
      return id;
    };
    const mine = await mk(ctx.siteKey, 'mine');
    const theirs = await mk(ctx.siteKey, 'theirs');
    const closed = await mk(ctx.siteKey, 'closed');
    const free = await mk(ctx.siteKey, 'free');
    const site2 = await newSite('Filter shop');
    const elsewhere = await mk(site2.key, 'elsewhere');

    expectStatus(await api(server, ctx.token, 'POST', `/conversations/${mine}/assign`, { agent_id: me }), 200);
    expectStatus(await api(server, ctx.token, 'POST', `/conversations/${theirs}/assign`, { agent_id: other.agent.id }), 200);
    expectStatus(await api(server, ctx.token, 'POST', `/conversations/${closed}/close`), 200);

    const ids = (items) => items.map((c) => c.id);
    const all = await listAll('');
    for (const id of [mine, theirs, closed, free, elsewhere]) assert.ok(ids(all).includes(id), `unfiltered list lacks ${id}`);

    const closedOnes = await listAll('status=closed');
    assert.ok(closedOnes.every((c) => c.status === 'closed'));
    assert.ok(ids(closedOnes).includes(closed));
    assert.ok(!ids(closedOnes).includes(free));

    const open = await listAll('status=open');
    assert.ok(open.every((c) => c.status === 'open'));
    for (const id of [mine, theirs, free, elsewhere]) assert.ok(ids(open).includes(id));
    assert.ok(!ids(open).includes(closed));

    const pending = await listAll('status=pending');
    assert.ok(pending.every((c) => c.status === 'pending'));

    const assignedToMe = await listAll('assignee=me');
    assert.ok(assignedToMe.every((c) => c.assignee_id === me), JSON.stringify(assignedToMe));
    assert.ok(ids(assignedToMe).includes(mine));
    // The same list for the other agent's "me".
    const theirsList = await listAll('assignee=me', other.token);
    assert.deepEqual(ids(theirsList), [theirs]);
    assert.deepEqual(ids(await listAll(`assignee=${other.agent.id}`)), [theirs]);

    const unassigned = await listAll('assignee=none');
    assert.ok(unassigned.every((c) => c.assignee_id === null));
    for (const id of [closed, free, elsewhere]) assert.ok(ids(unassigned).includes(id));
    for (const id of [mine, theirs]) assert.ok(!ids(unassigned).includes(id));

    assert.deepEqual(ids(await listAll(`site=${site2.id}`)), [elsewhere]);
    assert.ok((await listAll(`site=${ctx.site.id}`)).every((c) => c.site_id === ctx.site.id));

    // Combined.
    const combo = await listAll(`status=open&assignee=none&site=${ctx.site.id}`);
    assert.ok(combo.every((c) => c.status === 'open' && c.assignee_id === null && c.site_id === ctx.site.id));
    assert.ok(ids(combo).includes(free));
    assert.ok(!ids(combo).includes(closed) && !ids(combo).includes(mine) && !ids(combo).includes(elsewhere));
  });

  it('cursor paging: newest activity first, pages neither overlap nor skip', async () => {
    const site = await newSite('Paging shop');
    const visitors = await Promise.all(Array.from({ length: 7 }, (_, i) => visitor(server, site.key, { label: `pager-${i}` })));
    // All at once, so several conversations likely share an updated_at millisecond.
    const acks = await Promise.all(visitors.map((v, i) => v.sendMessage(`page me ${i}`)));
    const expected = new Set(acks.map((a) => a.conversation_id));
    assert.equal(expected.size, 7);

    const seen = [];
    const pages = [];
    let cursor = null;
    for (let i = 0; i < 10; i++) {
      const q = `/conversations?site=${site.id}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = expectStatus(await api(server, ctx.token, 'GET', q), 200);
      assert.ok(page.items.length <= 3);
      pages.push(page.items.length);
      seen.push(...page.items);
      cursor = page.next_cursor;
      if (cursor === null) break;
      assert.equal(typeof cursor, 'string');
    }
    assert.equal(cursor, null, 'paging never ended');
    assert.deepEqual(pages.slice(0, 3), [3, 3, 1]);
    const seenIds = seen.map((c) => c.id);
    assert.equal(new Set(seenIds).size, seenIds.length, `pages overlap: ${seenIds}`);
    assert.deepEqual(new Set(seenIds), expected, 'pages skipped a conversation');
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i].updated_at <= seen[i - 1].updated_at, `not newest first: ${JSON.stringify(seen.map((c) => [c.id, c.updated_at]))}`);
    }
    // One page of everything agrees with the paged order.
    const whole = expectStatus(await api(server, ctx.token, 'GET', `/conversations?site=${site.id}&limit=100`), 200);
    assert.deepEqual(whole.items.map((c) => c.id), seenIds);
    assert.equal(whole.next_cursor, null);

    // New activity moves the oldest conversation to the top.
    const oldest = seen.at(-1).id;
    const owner = visitors[acks.findIndex((a) => a.conversation_id === oldest)];
    await owner.sendMessage('bump');
    const top = expectStatus(await api(server, ctx.token, 'GET', `/conversations?site=${site.id}&limit=1`), 200);
    assert.equal(top.items[0].id, oldest);
    assert.equal(top.items[0].last_message_preview, 'bump');
    assert.equal(top.items[0].last_seq, 2);
    for (const v of visitors) await v.close();
  });
});

// ---------------------------------------------------------------------------------------

describe('conversation events', () => {
  it('close, reopen and assign reach agents and the visitor', async () => {
    const inbox = await agent(server, ctx.token, { label: 'inbox' });
    const v = await visitor(server, ctx.siteKey, { label: 'visitor' });
    const { conversation_id: conv } = await v.sendMessage('please close me');
    const created = await inbox.next((f) => f.type === 'conversation' && f.conversation.id === conv);
    assert.equal(created.conversation.status, 'open');
    const other = await createAgent(server.url, ctx.token, { role: 'agent' });

    const both = async (pred, what) => {
      const evs = [];
      for (const c of [inbox, v]) {
        evs.push(await c.next((f) => f.type === 'conversation' && f.conversation.id === conv && pred(f.conversation)).catch((e) => {
          throw new Error(`${what}: ${e.message}`);
        }));
      }
      return evs;
    };

    let res = expectStatus(await api(server, ctx.token, 'POST', `/conversations/${conv}/close`), 200);
    assert.equal(res.conversation.status, 'closed');
    assert.equal(typeof res.conversation.closed_at, 'number');
    const [closedEv] = await both((c) => c.status === 'closed', 'close');
    assert.equal(closedEv.conversation.closed_at, res.conversation.closed_at);
    assert.equal(closedEv.conversation.last_seq, 1);
    assert.equal(closedEv.conversation.contact_id, v.contact.id);

    // Agents cannot write to a closed conversation.
    const cid = uid('closed');
    await expectError(inbox, { type: 'send', client_id: cid, conversation_id: conv, body: 'too late' }, 'conversation_closed', { ref: cid });

    res = expectStatus(await api(server, ctx.token, 'POST', `/conversations/${conv}/reopen`), 200);
    assert.equal(res.conversation.status, 'open');
    assert.equal(res.conversation.closed_at, null);
    await both((c) => c.status === 'open' && c.closed_at === null, 'reopen');
    assert.equal((await inbox.sendMessage('reopened', { conversation_id: conv })).seq, 2);

    res = expectStatus(await api(server, ctx.token, 'POST', `/conversations/${conv}/assign`, { agent_id: other.agent.id }), 200);
    assert.equal(res.conversation.assignee_id, other.agent.id);
    await both((c) => c.assignee_id === other.agent.id, 'assign');

    res = expectStatus(await api(server, ctx.token, 'POST', `/conversations/${conv}/assign`, { agent_id: null }), 200);
    assert.equal(res.conversation.assignee_id, null);
    await both((c) => c.assignee_id === null && c.status === 'open', 'unassign');

    const detail = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conv}`), 200);
    assert.equal(detail.conversation.status, 'open');
    assert.equal(detail.conversation.assignee_id, null);
    assert.equal(detail.conversation.last_seq, 2);
    await v.close();
    await inbox.close();
  });

  it('after a close, the visitor\'s next message starts a new conversation', async () => {
    const inbox = await agent(server, ctx.token, { label: 'inbox' });
    const v = await visitor(server, ctx.siteKey, { label: 'visitor' });
    const { conversation_id: first } = await v.sendMessage('first conversation');
    expectStatus(await api(server, ctx.token, 'POST', `/conversations/${first}/close`), 200);
    await v.next((f) => f.type === 'conversation' && f.conversation.id === first && f.conversation.status === 'closed');

    const ack = await v.sendMessage('a new question');
    assert.notEqual(ack.conversation_id, first);
    assert.equal(ack.seq, 1);
    const ev = await inbox.next((f) => f.type === 'conversation' && f.conversation.id === ack.conversation_id);
    assert.equal(ev.conversation.status, 'open');
    assert.equal(ev.conversation.contact_id, v.contact.id);
    const old = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${first}`), 200);
    assert.equal(old.conversation.status, 'closed');
    assert.equal(old.conversation.last_seq, 1);

    const again = await visitor(server, ctx.siteKey, { contactToken: v.contactToken, label: 'visitor-again' });
    assert.equal(again.conversation.id, ack.conversation_id);
    const contact = expectStatus(await api(server, ctx.token, 'GET', `/contacts/${v.contact.id}`), 200);
    assert.deepEqual(contact.conversations.map((c) => c.id).sort((a, b) => a - b), [first, ack.conversation_id].sort((a, b) => a - b));
    await again.close();
    await v.close();
    await inbox.close();
  });
});

describe('demo page support', () => {
  it('GET /api/v1/demo/site gives the Demo shop\'s key only to a Host among its origins', async () => {
    const res = await api(server, null, 'GET', '/demo/site');
    assert.deepEqual(expectStatus(res, 200), { key: ctx.siteKey });
    const port = new URL(server.url).port;
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.2:${port}`]) {
      const other = await rawRequest(server, 'GET', '/api/v1/demo/site', { headers: { Host: host } });
      assert.equal(other.status, 404, `Host ${host}: ${other.status} ${other.text}`);
      assert.ok(!other.text.includes(ctx.siteKey), `Host ${host} got the key`);
    }
    const same = await rawRequest(server, 'GET', '/api/v1/demo/site', { headers: { Host: `127.0.0.1:${port}` } });
    assert.equal(same.status, 200, same.text);
  });
});

// ---------------------------------------------------------------------------------------

function documentedRoutes() {
  const md = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
  const routes = [];
  for (const line of md.split('\n')) {
    const m = /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`/.exec(line);
    if (m) routes.push({ method: m[1], path: m[2].split('?')[0].trim() });
  }
  return routes;
}

const normPath = (p) => p.replace(/^\/api\/v1(?=\/)/, '').replace(/\{[^}]*\}/g, '{}');

describe('OpenAPI description', () => {
  it('GET /api/v1/openapi.json is OpenAPI 3 and lists every documented route', async () => {
    const res = await api(server, ctx.token, 'GET', '/openapi.json');
    const doc = expectStatus(res, 200);
    assert.ok(doc, `not JSON: ${res.text.slice(0, 200)}`);
    assert.match(String(doc.openapi), /^3\.\d+(\.\d+)?$/);
    assert.equal(typeof doc.info, 'object');
    assert.equal(typeof doc.paths, 'object');

    const documented = documentedRoutes();
    assert.ok(documented.length >= 20, `parsed only ${documented.length} routes from docs/api.md`);
    const described = new Map();
    for (const [p, item] of Object.entries(doc.paths)) {
      const methods = Object.keys(item).filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k));
      described.set(normPath(p), new Set([...(described.get(normPath(p)) ?? []), ...methods]));
    }
    const missing = documented.filter((r) => !described.get(normPath(r.path))?.has(r.method.toLowerCase()));
    assert.deepEqual(missing, [], 'routes in docs/api.md but not in openapi.json');
  });

  it('every documented or described route is actually routed', async () => {
    const res = await api(server, ctx.token, 'GET', '/openapi.json');
    const doc = expectStatus(res, 200);
    // Records to aim at; the sacrificial ones are deleted last.
    const v = await visitor(server, ctx.siteKey, { label: 'route-visitor' });
    const { conversation_id: conv } = await v.sendMessage('route check');
    await v.close();
    const site = await newSite('Route shop');
    const victim = await createAgent(server.url, ctx.token, { role: 'agent' });
    const admin2 = await login(server);
    const canned = expectStatus(await api(server, ctx.token, 'POST', '/canned-responses',
      { shortcut: 'route-check', body: 'Routed.' }), 201);
    const team = expectStatus(await api(server, ctx.token, 'POST', '/teams', { name: 'Route team' }), 201);
    const ids = {
      conversations: conv, contacts: v.contact.id, sites: site.id, agents: victim.agent.id,
      'canned-responses': canned.id, teams: team.id,
    };

    const routes = new Map();
    for (const r of documentedRoutes()) routes.set(`${r.method} ${normPath(r.path)}`, { method: r.method, path: normPath(r.path) });
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const m of Object.keys(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(m)) continue;
        routes.set(`${m.toUpperCase()} ${normPath(p)}`, { method: m.toUpperCase(), path: normPath(p), raw: p });
      }
    }
    const ordered = [...routes.values()].sort((a, b) => {
      // Deletes last, a nested record's before its parent's (a site's secret before the site).
      const rank = (r) => (r.path === '/auth/logout' ? 3 : r.method === 'DELETE' ? 2 - r.path.split('/').length / 100 : 1);
      return rank(a) - rank(b);
    });
    const failures = [];
    for (const r of ordered) {
      const concrete = r.path.replace(/\/([a-z_-]+)\/\{\}/g, (_, coll) => `/${coll}/${ids[coll] ?? 1}`);
      const token = r.path === '/auth/logout' ? admin2.token : ctx.token;
      const body = ['POST', 'PATCH', 'PUT'].includes(r.method) ? {} : undefined;
      let answer = await api(server, token, r.method, concrete, body);
      if (answer.status === 404 && r.raw && !r.raw.startsWith('/api/')) {
        answer = await api(server, token, r.method, r.raw.replace(/\{[^}]*\}/g, '1'), body); // maybe outside /api/v1
      }
      if (answer.status === 404 || answer.status === 405 || answer.status >= 500) {
        failures.push(`${r.method} ${concrete} → ${answer.status} ${answer.text.slice(0, 200)}`);
      }
    }
    assert.deepEqual(failures, [], 'routes that do not route');
  });
});

// ---------------------------------------------------------------------------------------

describe('command line', () => {
  it('`admin snippet` prints the embed tag alone', async () => {
    const out = await runCli(['admin', 'snippet', '--data-dir', server.dataDir, '--site', ctx.siteKey]);
    assert.equal(out.code, 0, out.stderr);
    const tag = out.stdout.trim();
    assert.ok(!tag.includes('\n'), `more than one line: ${JSON.stringify(out.stdout)}`);
    assert.ok(tag.includes(`data-site="${ctx.siteKey}"`), tag);
    assert.ok(tag.includes('/widget.js'), tag);
    assert.match(tag, /^<script\b.*<\/script>$/);
  });

  it('bad arguments → exit 2, one line on stderr, nothing on stdout, nothing created', async () => {
    const sitesBefore = expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items;
    const dir = server.dataDir;
    const cases = [
      ['frobnicate'],
      ['--no-such-global-flag'],
      ['admin', 'frobnicate', '--data-dir', dir],
      ['admin', 'site', 'frobnicate', '--data-dir', dir],
      ['admin', 'site', 'create', '--data-dir', dir, '--workspace', 'Demo', '--origin', 'https://no-name.example'],
      ['admin', 'site', 'create', '--data-dir', dir, '--workspace', 'Demo', '--name', 'Flagged', '--origin', 'https://flag.example', '--colour-me-surprised'],
      ['admin', 'site', 'create', '--data-dir', dir, '--workspace', 'Demo', '--name'],
      ['admin', 'workspace', 'create', '--data-dir', dir],
      ['admin', 'workspace', 'create', '--data-dir', dir, '--name', 'Flagged', '--bogus-flag'],
      ['admin', 'agent', 'create', '--data-dir', dir, '--workspace', 'Demo', '--name', 'Cli', '--role', 'admin'],
      ['admin', 'snippet', '--data-dir', dir],
      ['serve', '--listen', '127.0.0.1:0', '--data-dir', tempDir(), '--no-such-flag'],
      ['serve', '--listen', '127.0.0.1:0', '--data-dir', tempDir(), '--commit-delay', '51'],
      ['serve', '--listen', '127.0.0.1:0', '--data-dir', tempDir(), '--commit-delay', '1.5'],
      ['serve', '--listen', '127.0.0.1:0', '--data-dir', tempDir(), '--limit-messages-per-contact', '10'],
      ['serve', '--listen', '127.0.0.1:0', '--data-dir', tempDir(), '--limit-login-per-address', '5/0'],
      ['serve', '--listen', '127.0.0.1:0', '--data-dir', tempDir(), '--trusted-proxies', 'proxy.example'],
      ['serve', '--listen', '127.0.0.1:0', '--data-dir', tempDir(), '--workspace-creation', 'everyone'],
    ];
    const problems = [];
    for (const args of cases) {
      const out = await runCli(args, { timeoutMs: 5000 });
      const lines = out.stderr.replace(/\n$/, '').split('\n');
      if (out.code !== 2 || out.stdout !== '' || out.stderr.trim() === '' || lines.length !== 1) {
        problems.push(`juttu ${args.join(' ')} → exit ${out.code}${out.timedOut ? ' (still running after 5 s)' : ''}, `
          + `stdout ${JSON.stringify(out.stdout.slice(0, 200))}, stderr ${JSON.stringify(out.stderr.slice(0, 300))}`);
      }
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items, sitesBefore);
    const agents = expectStatus(await api(server, ctx.token, 'GET', '/agents'), 200).items;
    assert.ok(!agents.some((a) => a.email === 'cli@example.com'));
  });
});
