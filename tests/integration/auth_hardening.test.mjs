// Logins that tell nothing and cannot exhaust memory, and revocation that reaches a
// running server from another process:
// - an unknown e-mail costs the same argon2 work as a wrong password (timing), and every
//   failed login answers the same status and body;
// - a flood of parallel logins leaves memory flat (at most --argon2-concurrency hashes
//   run at once; past the queue a login answers 503 `unavailable` at once);
// - `juttu admin password reset`, a separate process on the same data dir, closes the
//   agent's open sockets within a few seconds (4001), as a revocation in the server does.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  startServer, demo, api, expectStatus, agent, connectWs, expectError, login, createAgent, cliOk,
} from './lib/harness.mjs';

// Rate limits on logins would turn these floods into 429s: this file tests what lies behind them.
const NO_LOGIN_LIMITS = { JUTTU_LIMIT_LOGIN_PER_ADDRESS: '0', JUTTU_LIMIT_LOGIN_PER_ACCOUNT: '0' };

let server;
let ctx;

before(async () => {
  server = await startServer({ env: { ...NO_LOGIN_LIMITS, JUTTU_ARGON2_CONCURRENCY: '2' } });
  ctx = await demo(server);
});

async function timedLogin(email, password) {
  const start = process.hrtime.bigint();
  const res = await api(server, null, 'POST', '/auth/login', { email, password }, { timeoutMs: 10000 });
  return { res, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// The server's memory from /proc: VmRSS now, VmHWM the peak since it started (MiB).
function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

describe('failed logins', () => {
  it('an unknown e-mail, a wrong password, a disabled agent and a malformed e-mail get the same answer', async () => {
    const disabled = await createAgent(server.url, ctx.token, { role: 'agent' });
    expectStatus(await api(server, ctx.token, 'PATCH', `/agents/${disabled.agent.id}`, { disabled: true }), 200);
    const attempts = {
      'unknown e-mail': { email: 'nobody-here@example.com', password: 'whatever-password-1' },
      'wrong password': { email: ctx.admin.agent.email, password: 'not-the-password-1' },
      'disabled agent, right password': { email: disabled.email, password: disabled.password },
      'not an e-mail': { email: 'not an e-mail', password: 'whatever-password-1' },
      'e-mail in other case and spaces': { email: `  ${ctx.admin.agent.email.toUpperCase()} `, password: 'nope-nope-1' },
    };
    const answers = {};
    for (const [what, body] of Object.entries(attempts)) {
      const res = await api(server, null, 'POST', '/auth/login', body);
      expectStatus(res, 401, 'invalid_credentials');
      answers[what] = res.text;
    }
    const distinct = new Set(Object.values(answers));
    assert.equal(distinct.size, 1, `different answers: ${JSON.stringify(answers, null, 2)}`);
  });

  it('an unknown e-mail takes as long as a wrong password for a known one (and a disabled agent too)', async () => {
    const disabled = await createAgent(server.url, ctx.token, { role: 'agent' });
    expectStatus(await api(server, ctx.token, 'PATCH', `/agents/${disabled.agent.id}`, { disabled: true }), 200);
    const kinds = {
      known: [ctx.admin.agent.email, 'wrong-password-1'],
      unknown: ['nobody-at-all@example.com', 'wrong-password-1'],
      disabled: [disabled.email, disabled.password],
    };
    const times = { known: [], unknown: [], disabled: [] };
    await timedLogin(...kinds.known);  // warm up: the first request of a kind pays for caches
    // Interleaved, so that the machine's noise falls on every kind alike.
    for (let round = 0; round < 9; round += 1) {
      for (const [kind, [email, password]] of Object.entries(kinds)) {
        const { res, ms } = await timedLogin(email, password);
        expectStatus(res, 401, 'invalid_credentials');
        times[kind].push(ms);
      }
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    const detail = `medians (ms): ${JSON.stringify(m)}; all: ${JSON.stringify(times)}`;
    // Without the stand-in hash an unknown e-mail answers in ~2 ms against ~100 ms.
    for (const kind of ['unknown', 'disabled']) {
      assert.ok(m[kind] >= 0.5 * m.known && m[kind] <= 2 * m.known, `${kind} vs known: ${detail}`);
    }
  });
});

describe('a login flood', () => {
  it('32 parallel wrong logins leave memory flat, answer 401 or a quick 503, and the server keeps serving', async () => {
    // AddressSanitizer would keep every freed hash in its quarantine (256 MiB): off here.
    const asan = [process.env.ASAN_OPTIONS, 'quarantine_size_mb=0'].filter(Boolean).join(':');
    const flooded = await startServer({
      env: { ...NO_LOGIN_LIMITS, JUTTU_ARGON2_CONCURRENCY: '2', ASAN_OPTIONS: asan },
    });
    await login(flooded);  // the first login's allocations are not the flood's
    const before = memory(flooded.proc.pid);
    const started = Date.now();
    const flood = Array.from({ length: 32 }, (_, i) => api(flooded, null, 'POST', '/auth/login',
      { email: i % 2 ? 'admin@example.com' : `nobody-${i}@example.com`, password: 'wrong-password-1' },
      { timeoutMs: 20000 }).then((res) => ({ res, ms: Date.now() - started })));
    // Other requests are served meanwhile: logins wait on a bounded share of the workers.
    const health = await api(flooded, null, 'GET', '/healthz', undefined, { timeoutMs: 3000 });
    assert.equal(health.status, 200, health.text);
    const answers = await Promise.all(flood);
    const after = memory(flooded.proc.pid);

    const statuses = answers.map(({ res }) => res.status);
    assert.ok(statuses.every((s) => s === 401 || s === 503), `statuses: ${statuses}`);
    assert.ok(statuses.includes(401), `no login was checked at all: ${statuses}`);
    for (const { res, ms } of answers.filter(({ res: r }) => r.status === 503)) {
      expectStatus(res, 503, 'unavailable');
      assert.ok(ms < 5000, `a refused login took ${ms} ms`);
    }
    // Unbounded, each login in flight holds 19 MiB: 32 of them peak ~600 MiB above the start.
    const growth = after.peak - before.rss;
    assert.ok(growth < 100, `peak RSS grew by ${growth.toFixed(1)} MiB (before ${JSON.stringify(before)}, after ${JSON.stringify(after)}; statuses ${statuses})`);
    await login(flooded);  // and logins work again
    await flooded.stop();
  });
});

describe('revocation from another process', () => {
  it('`juttu admin password reset` closes the agent\'s sockets within 5 s (4001); the old token is refused', async () => {
    const x = await createAgent(server.url, ctx.token, { role: 'agent', password: 'first-password-1' });
    const second = await login(server, x.email, 'first-password-1');
    const ws1 = await agent(server, x.token, { label: 'reset-1' });
    const ws2 = await agent(server, second.token, { label: 'reset-2' });
    const bystander = await agent(server, ctx.token, { label: 'bystander' });

    await cliOk(['admin', 'password', 'reset', '--data-dir', server.dataDir, '--email', x.email,
      '--password', 'second-password-2']);
    const t0 = Date.now();
    for (const ws of [ws1, ws2]) {
      const { code, reason } = await ws.waitClosed(8000);
      const elapsed = Date.now() - t0;
      assert.equal(code, 4001, `${ws.label}: close code (${reason})`);
      assert.equal(reason, 'session revoked', `${ws.label}: close reason`);
      assert.ok(elapsed <= 5000, `${ws.label}: closed ${elapsed} ms after the reset`);
    }

    await bystander.roundTrip();  // other agents' sockets stay open
    const again = await connectWs(server, { label: 'old-token-hello' });
    await expectError(again, { type: 'hello', role: 'agent', token: x.token }, 'bad_token', { closeCode: 1008 });
    expectStatus(await api(server, x.token, 'GET', '/me'), 401, 'unauthorized');
    await login(server, x.email, 'second-password-2');
    await bystander.close();
  });
});
