// What the fuzz targets found (docs/security.md, "Fuzzing"), checked end to end: text the
// server quotes back stays UTF-8 (a WebSocket client fails the connection on a text frame
// that is not: RFC 6455, 8.1), and a config file that Debian's toml++ cannot read safely is
// refused with one line.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, demo, api, expectStatus, visitor, expectError, runCli, tempDir,
} from './lib/harness.mjs';
import { closedPort } from './lib/smtp.mjs';

let server;
let ctx;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
});

after(async () => {
  await server.stop();
});

describe('quoted input is cut between characters, never inside one', () => {
  it('an unknown frame type of 2-byte characters is quoted whole and the socket stays open', async () => {
    const v = await visitor(server, ctx.siteKey);
    const type = `x${'ä'.repeat(40)}`;  // 81 bytes: 40 bytes end inside an 'ä'
    const err = await expectError(v, { type }, 'unknown_type');
    assert.ok(type.startsWith(err.ref), `ref ${JSON.stringify(err.ref)} is not a prefix of the type`);
    assert.ok(!err.ref.includes('\uFFFD') && !err.message.includes('\uFFFD'), JSON.stringify(err));
    await v.roundTrip();  // not failed by an invalid text frame
    await v.close();
  });

  it('a refused origin or language tag is quoted whole in the REST error', async () => {
    const origin = `${'a'.repeat(99)}ö`;
    const site = await api(server, ctx.token, 'POST', '/sites', { name: 'Quoted', allowed_origins: [origin] });
    expectStatus(site, 400, 'validation_failed');
    assert.ok(!site.text.includes('\uFFFD'), site.text);
    const tag = `${'a'.repeat(39)}ö`;
    const agentRes = await api(server, ctx.token, 'POST', '/agents', {
      email: 'quoted@example.com', name: 'Quoted', password: 'agent-password-1', languages: [tag],
    });
    expectStatus(agentRes, 400, 'validation_failed');
    assert.ok(!agentRes.text.includes('\uFFFD'), agentRes.text);
  });

  it('a User-Agent that is not UTF-8 is not kept for agents to read', async () => {
    // Node sends header text as Latin-1: 'ä' goes out as the single byte 0xE4.
    const v = await visitor(server, ctx.siteKey, { headers: { 'User-Agent': 'Mozilla/5.0 (Kauppa ä)' } });
    const contact = expectStatus(await api(server, ctx.token, 'GET', `/contacts/${v.contact.id}`), 200);
    const agentText = JSON.stringify(contact);
    assert.ok(!agentText.includes('\uFFFD'), agentText);
    await v.close();
  });
});

describe('config files', () => {
  let dir;
  let port;

  before(async () => {
    dir = tempDir('juttu-config-');
    port = await closedPort();
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function smtpTest(text) {
    const file = path.join(dir, 'juttu.toml');
    fs.writeFileSync(file, text);
    return runCli(['admin', 'smtp-test', '--config', file, '--to', 'to@shop.example'],
      { env: { JUTTU_SMTP_TIMEOUT: '2' } });
  }

  it('non-ASCII text outside strings and comments is refused with one line', async () => {
    for (const text of ['[smtp]\nhost = "127.0.0.1"\n[ä]\n', 's = """\\\n§"""\n', 'threads = 2ä\n',
      'd = 1979-05-27 1#ä\n']) {
      const res = await smtpTest(text);
      assert.equal(res.code, 2, `${JSON.stringify(text)}: ${res.stderr}`);
      assert.match(res.stderr, /non-ASCII text outside a string or a comment/);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }
  });

  it('a float where an integer belongs is refused with one line', async () => {
    for (const value of ['1e32', '-1e300', '587.0']) {
      const res = await smtpTest(`[smtp]\nhost = "127.0.0.1"\nport = ${value}\nfrom = "a@shop.example"\n`);
      assert.equal(res.code, 2, `${value}: ${res.stderr}`);
      assert.match(res.stderr, /'smtp\.port' must be a string or an integer/);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }
  });

  it('non-ASCII text in strings and comments is read', async () => {
    const res = await smtpTest(`# Kauppa Äö
[smtp]
host = "127.0.0.1"
port = ${port}
tls = "none"
from = "Kauppa Äö <tuki@kauppa.example>"
password = 'pässwörd'
`);
    // Read and used: the relay (nothing listens there) is what fails.
    assert.equal(res.code, 1, res.stderr);
    assert.doesNotMatch(res.stderr, /config/);
  });
});
