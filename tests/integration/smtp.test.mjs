// Outgoing e-mail: `juttu admin smtp-test` against a real SMTP relay (smtp-server) in
// plain, STARTTLS and implicit-TLS modes, with AUTH, refusals, timeouts and the message's
// bytes as they arrive.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from './lib/harness.mjs';
import {
  startSmtpServer, startSilentServer, startScriptedServer, closedPort, makeCertificates, parseMessage,
} from './lib/smtp.mjs';

const FROM = 'Demo shop <support@shop.example>';
const TO = 'visitor@example.com';
const SMTP_KEYS = ['HOST', 'PORT', 'USERNAME', 'PASSWORD', 'TLS', 'CA_FILE', 'FROM', 'TIMEOUT'];

let certs;
before(() => {
  certs = makeCertificates();
});

/**
 * Runs `juttu admin smtp-test` with settings given as JUTTU_SMTP_* variables (every one of
 * them set, so that the caller's environment cannot leak in) and extra command-line args.
 */
function smtpTest(settings, args = [], { to = TO, timeoutMs = 15000 } = {}) {
  const env = {};
  for (const key of SMTP_KEYS) env[`JUTTU_SMTP_${key}`] = '';
  Object.assign(env, {
    JUTTU_SMTP_HOST: '127.0.0.1', JUTTU_SMTP_TLS: 'none', JUTTU_SMTP_FROM: FROM, JUTTU_SMTP_TIMEOUT: '5',
  });
  for (const [key, value] of Object.entries(settings)) env[`JUTTU_SMTP_${key.toUpperCase()}`] = String(value);
  return runCli(['admin', 'smtp-test', '--to', to, ...args], { env, timeoutMs });
}

function assertDelivered(res) {
  assert.equal(res.code, 0, `exit ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  assert.match(res.stdout, /^sent a test message to visitor@example\.com through 127\.0\.0\.1:\d+\n$/);
}

/** Exit 1 with exactly one line on stderr matching `pattern`, and nothing on stdout. */
function assertFailed(res, pattern) {
  assert.equal(res.code, 1, `exit ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  assert.equal(res.stdout, '');
  assert.match(res.stderr, /^juttu: [^\n]+\n$/, 'not one line on stderr');
  assert.match(res.stderr, pattern);
}

function assertBadArguments(res, pattern) {
  assert.equal(res.code, 2, `exit ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  assert.match(res.stderr, /^juttu: [^\n]+\n$/, 'not one line on stderr');
  assert.match(res.stderr, pattern);
}

describe('plain SMTP', () => {
  it('delivers a message with its headers, a non-ASCII subject and body intact', async () => {
    const relay = await startSmtpServer();
    const subject = 'Vastaus: Tilauksesi 12345 – kiitos! Ääkköset ja 日本語 ja emoji 🙂 pitkässä otsikossa joka taittuu';
    const text = 'Hei Äijä,\n\nkiitos viestistä. Paketti lähtee huomenna.\n— Anna';
    const res = await smtpTest({ port: relay.port },
      ['--subject', subject, '--text', text, '--reply-to', 'Anna Agent <anna@shop.example>']);
    assertDelivered(res);
    assert.equal(relay.messages.length, 1);
    const [sent] = relay.messages;
    assert.equal(sent.from, 'support@shop.example', 'MAIL FROM must carry the bare address');
    assert.deepEqual(sent.to, [TO]);
    assert.equal(sent.body, '8BITMIME', 'an 8-bit body must be announced with BODY=8BITMIME');
    assert.equal(sent.helo, '[127.0.0.1]', 'EHLO names the client by its address literal');

    const mail = parseMessage(sent.raw);
    assert.equal(mail.subject, subject);
    assert.equal(mail.utf8Header('from'), FROM);
    assert.equal(mail.header('to'), TO);
    assert.equal(mail.utf8Header('reply-to'), 'Anna Agent <anna@shop.example>');
    assert.match(mail.header('date'), /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000$/);
    assert.ok(Math.abs(Date.parse(mail.header('date')) - Date.now()) < 60_000, mail.header('date'));
    assert.match(mail.header('message-id'), /^<[A-Za-z0-9_-]+@shop\.example>$/);
    assert.equal(mail.header('mime-version'), '1.0');
    assert.match(mail.header('content-type'), /^text\/plain; charset=utf-8$/i);
    assert.equal(mail.header('content-transfer-encoding'), '8bit');
    assert.equal(mail.body, text.replace(/\n/g, '\r\n') + '\r\n');
    for (const line of mail.lines) assert.ok(!line.includes('\n') && !line.includes('\r'), 'bare CR or LF');
    // The encoded subject stays ASCII, folded into lines of at most 78 characters.
    const headerLines = sent.text.slice(0, sent.text.indexOf('\r\n\r\n')).split('\r\n');
    for (const line of headerLines) {
      assert.ok(/^[\x20-\x7e\t]*$/.test(line), `non-ASCII header line ${JSON.stringify(line)}`);
      assert.ok(line.length <= 78, `header line of ${line.length} characters: ${line}`);
    }
    await relay.close();
  });

  it('sends quoted-printable when the relay does not offer 8BITMIME', async () => {
    const relay = await startSmtpServer({ hide8BITMIME: true });
    const text = 'Hyvää päivää = tervetuloa\ntrailing space ';
    assertDelivered(await smtpTest({ port: relay.port }, ['--text', text]));
    const [sent] = relay.messages;
    assert.equal(sent.body, undefined, 'no BODY=8BITMIME without the extension');
    const mail = parseMessage(sent.raw);
    assert.equal(mail.header('content-transfer-encoding'), 'quoted-printable');
    assert.equal(mail.body, text.replace(/\n/g, '\r\n') + '\r\n');
    for (const line of mail.lines) assert.ok(/^[\x20-\x7e\t]*$/.test(line), `not 7-bit: ${JSON.stringify(line)}`);
    await relay.close();
  });

  it('keeps lines within 998 octets: a longer line travels quoted-printable, intact', async () => {
    const relay = await startSmtpServer();
    const long = 'Pitkä rivi '.repeat(150).trim();  // > 998 octets on one line
    assertDelivered(await smtpTest({ port: relay.port }, ['--text', `short\n${long}`]));
    const mail = parseMessage(relay.messages[0].raw);
    assert.equal(mail.header('content-transfer-encoding'), 'quoted-printable');
    assert.equal(mail.body, `short\r\n${long}\r\n`);
    for (const line of mail.lines) assert.ok(line.length <= 998, `a line of ${line.length} octets`);
    await relay.close();
  });

  it('falls back to HELO when the relay does not know EHLO', async () => {
    const relay = await startSmtpServer({ disable: ['EHLO'] });
    assertDelivered(await smtpTest({ port: relay.port }, ['--text', 'Hyvä']));
    assert.equal(relay.messages.length, 1);
    const mail = parseMessage(relay.messages[0].raw);
    // Without EHLO there is no 8BITMIME, so the UTF-8 body must travel 7-bit.
    assert.equal(mail.header('content-transfer-encoding'), 'quoted-printable');
    assert.equal(mail.body, 'Hyvä\r\n');
    await relay.close();
  });

  it('dot-stuffs lines that start with a dot, a lone dot included', async () => {
    const relay = await startSmtpServer();
    const text = '.single\n..double\n.\nafter the lone dot\n. space';
    assertDelivered(await smtpTest({ port: relay.port }, ['--text', text]));
    assert.equal(relay.messages.length, 1);
    assert.equal(parseMessage(relay.messages[0].raw).body, text.replace(/\n/g, '\r\n') + '\r\n');
    await relay.close();
  });

  it('refuses a header value with a line break before connecting (exit 2)', async () => {
    const relay = await startSmtpServer();
    const res = await smtpTest({ port: relay.port }, ['--subject', 'Hello\r\nBcc: victim@example.com']);
    assertBadArguments(res, /subject must be one line/);
    const res2 = await smtpTest({ port: relay.port }, ['--reply-to', 'a@shop.example\nBcc: victim@example.com']);
    assertBadArguments(res2, /reply-to must be one line/);
    assert.equal(relay.messages.length, 0);
    await relay.close();
  });
});

describe('AUTH', () => {
  const auth = { user: 'anna', pass: 'sécret pass 1' };

  it('AUTH PLAIN with the right password delivers', async () => {
    const relay = await startSmtpServer({ auth });
    assertDelivered(await smtpTest({ port: relay.port, username: auth.user, password: auth.pass }));
    assert.equal(relay.authAttempts.length, 1);
    assert.equal(relay.authAttempts[0].method, 'PLAIN');
    assert.equal(relay.messages[0].user, 'anna');
    await relay.close();
  });

  it('AUTH LOGIN when the relay offers only LOGIN', async () => {
    const relay = await startSmtpServer({ auth, authMethods: ['LOGIN'] });
    assertDelivered(await smtpTest({ port: relay.port, username: auth.user, password: auth.pass }));
    assert.equal(relay.authAttempts[0].method, 'LOGIN');
    assert.equal(relay.messages.length, 1);
    await relay.close();
  });

  it('a wrong password exits 1 with the relay\'s reply on one line and sends nothing', async () => {
    const relay = await startSmtpServer({ auth });
    const res = await smtpTest({ port: relay.port, username: auth.user, password: 'wrong' });
    assertFailed(res, /AUTH PLAIN refused: 535 .*Authentication credentials invalid/);
    assert.doesNotMatch(res.stderr, /wrong/, 'the password must not be printed');
    assert.equal(relay.messages.length, 0);
    await relay.close();
  });
});

describe('TLS', () => {
  const auth = { user: 'anna', pass: 'tls-password-1' };

  it('STARTTLS with the test CA given by --smtp-ca-file delivers, AUTH only under TLS', async () => {
    const relay = await startSmtpServer({ tls: 'starttls', certs, auth });
    const res = await smtpTest({ port: relay.port, tls: 'starttls', username: auth.user, password: auth.pass },
      ['--smtp-ca-file', certs.caFile]);
    assertDelivered(res);
    assert.equal(relay.messages.length, 1);
    assert.equal(relay.messages[0].secure, true);
    assert.deepEqual(relay.authAttempts.map((a) => a.secure), [true]);
    await relay.close();
  });

  it('STARTTLS by host name (SNI and name check against DNS:localhost)', async () => {
    const relay = await startSmtpServer({ tls: 'starttls', certs });
    assertDelivered(await smtpTest({ host: 'localhost', port: relay.port, tls: 'starttls', ca_file: certs.caFile })
      .then((res) => ({ ...res, stdout: res.stdout.replace('through localhost:', 'through 127.0.0.1:') })));
    assert.equal(relay.messages.length, 1);
    await relay.close();
  });

  it('STARTTLS with a certificate the system does not trust is refused', async () => {
    const relay = await startSmtpServer({ tls: 'starttls', certs, auth });
    const res = await smtpTest({ port: relay.port, tls: 'starttls', username: auth.user, password: auth.pass });
    assertFailed(res, /certificate/i);
    assert.equal(relay.authAttempts.length, 0, 'credentials were sent to an untrusted server');
    assert.equal(relay.messages.length, 0);
    await relay.close();
  });

  it('a trusted certificate for another host name is refused', async () => {
    const other = makeCertificates({ names: ['mail.example'], ips: [] });
    const relay = await startSmtpServer({ tls: 'starttls', certs: other });
    const res = await smtpTest({ port: relay.port, tls: 'starttls', ca_file: other.caFile });
    assertFailed(res, /TLS handshake failed.*certificate/i);
    assert.equal(relay.messages.length, 0);
    await relay.close();
  });

  it('an unreadable smtp-ca-file fails at once and sends nothing', async () => {
    const relay = await startSmtpServer({ tls: 'tls', certs });
    const started = Date.now();
    const res = await smtpTest({ port: relay.port, tls: 'tls', ca_file: '/nonexistent/ca.pem' });
    assertFailed(res, /cannot load the CA certificates \/nonexistent\/ca\.pem/);
    assert.ok(Date.now() - started < 4000, 'waited for a reply that could not come');
    assert.equal(relay.messages.length, 0);
    await relay.close();
  });

  it('a relay that does not offer STARTTLS is refused before any credentials', async () => {
    const relay = await startSmtpServer({ tls: 'none', auth });
    const res = await smtpTest({ port: relay.port, tls: 'starttls', username: auth.user, password: auth.pass });
    assertFailed(res, /does not offer STARTTLS/);
    assert.equal(relay.authAttempts.length, 0);
    assert.equal(relay.messages.length, 0);
    await relay.close();
  });

  it('implicit TLS (smtp-tls=tls) delivers', async () => {
    const relay = await startSmtpServer({ tls: 'tls', certs, auth });
    const res = await smtpTest({ port: relay.port, tls: 'tls', ca_file: certs.caFile, username: auth.user, password: auth.pass });
    assertDelivered(res);
    assert.equal(relay.messages.length, 1);
    assert.equal(relay.messages[0].secure, true);
    await relay.close();
  });

  it('implicit TLS against a plain-text relay fails instead of hanging', async () => {
    const relay = await startSmtpServer();
    const started = Date.now();
    const res = await smtpTest({ port: relay.port, tls: 'tls', ca_file: certs.caFile, timeout: 2 });
    assertFailed(res, /TLS handshake/);
    assert.ok(Date.now() - started < 6000);
    assert.equal(relay.messages.length, 0);
    await relay.close();
  });
});

describe('refusals and failures', () => {
  it('5xx on RCPT TO exits 1 and quotes the relay', async () => {
    const relay = await startSmtpServer({ fail: { rcpt: [550, 'No such user here'] } });
    const res = await smtpTest({ port: relay.port });
    assertFailed(res, /RCPT TO refused: 550 .*No such user here/);
    assert.equal(relay.messages.length, 0);
    await relay.close();
  });

  it('4xx on MAIL FROM exits 1 and quotes the relay', async () => {
    const relay = await startSmtpServer({ fail: { mail: [451, 'Try again later'] } });
    const res = await smtpTest({ port: relay.port });
    assertFailed(res, /MAIL FROM refused: 451 .*Try again later/);
    await relay.close();
  });

  it('5xx at the end of DATA is a failure, not a delivery', async () => {
    const relay = await startSmtpServer({ fail: { data: [554, 'Message rejected as spam'] } });
    const res = await smtpTest({ port: relay.port });
    assertFailed(res, /554 .*Message rejected as spam/);
    await relay.close();
  });

  it('reads multi-line replies whole and quotes every line of a refusal', async () => {
    const relay = await startScriptedServer({
      greeting: '220-relay.example ESMTP\n220-second line of the banner\n220 ready',
      EHLO: '250-relay.example\n250-PIPELINING\n250-8BITMIME\n250 SIZE 1000000',
      MAIL: '250 2.1.0 ok',
      RCPT: '550-5.1.1 The mailbox does not exist\n550-5.1.1 Please check the address\n550 5.1.1 and try again',
      QUIT: '221 bye',
    });
    const res = await smtpTest({ port: relay.port });
    assertFailed(res, /RCPT TO refused: 550 5\.1\.1 The mailbox does not exist 5\.1\.1 Please check the address 5\.1\.1 and try again$/m);
    // One command per reply, and a polite QUIT after the refusal.
    assert.deepEqual(relay.lines.map((l) => l.split(/[ :]/)[0]), ['EHLO', 'MAIL', 'RCPT', 'QUIT']);
    await relay.close();
  });

  it('a reply that is not SMTP is a failure', async () => {
    const relay = await startScriptedServer({ greeting: 'HTTP/1.1 400 Bad Request' });
    const res = await smtpTest({ port: relay.port });
    assertFailed(res, /not an SMTP reply: HTTP\/1\.1 400 Bad Request/);
    await relay.close();
  });

  it('nothing listening exits 1 at once', async () => {
    const port = await closedPort();
    const started = Date.now();
    const res = await smtpTest({ port });
    assertFailed(res, /cannot connect/);
    assert.ok(Date.now() - started < 5000);
  });

  it('a relay that never answers times out after smtp-timeout', async () => {
    const silent = await startSilentServer();
    const started = Date.now();
    const res = await smtpTest({ port: silent.port, timeout: 1 });
    const elapsed = Date.now() - started;
    assertFailed(res, /timed out after 1000 ms/);
    assert.ok(elapsed >= 900 && elapsed < 5000, `took ${elapsed} ms`);
    assert.equal(silent.connections(), 1);
    await silent.close();
  });
});

describe('configuration', () => {
  it('refuses a bad smtp-tls, port or from, and a missing host, with exit 2', async () => {
    assertBadArguments(await smtpTest({ port: 25, tls: 'ssl' }), /smtp-tls must be starttls, tls or none/);
    assertBadArguments(await smtpTest({ port: 70000 }), /smtp-port/);
    assertBadArguments(await smtpTest({ port: 0 }), /smtp-port must be 1-65535/);
    assertBadArguments(await smtpTest({ port: 25, from: '' }), /smtp-from is required with smtp-host/);
    assertBadArguments(await smtpTest({ port: 25, from: 'Shop <not an address>' }), /smtp-from must be one e-mail address/);
    assertBadArguments(await smtpTest({ host: '' }), /smtp-host is not set/);
    assertBadArguments(await smtpTest({ port: 25 }, [], { to: 'nobody' }), /to is not an e-mail address/);
  });

  it('reads the [smtp] table of the TOML file given by --config', async () => {
    const relay = await startSmtpServer({ auth: { user: 'toml-user', pass: 'toml-pass' } });
    const file = path.join(tempDir(), 'juttu.toml');
    fs.writeFileSync(file, `[smtp]\nhost = "127.0.0.1"\nport = ${relay.port}\ntls = "none"\n`
      + `username = "toml-user"\npassword = "toml-pass"\nfrom = "Toml Shop <toml@shop.example>"\ntimeout = 5\n`);
    const env = Object.fromEntries(SMTP_KEYS.map((key) => [`JUTTU_SMTP_${key}`, '']));
    const res = await runCli(['admin', 'smtp-test', '--config', file, '--to', TO], { env });
    assertDelivered(res);
    assert.equal(relay.messages[0].from, 'toml@shop.example');
    assert.equal(relay.messages[0].user, 'toml-user');
    await relay.close();
  });

  it('serve refuses a bad visitor-leave-grace or smtp setting with exit 2', async () => {
    const dataDir = tempDir();
    const grace = await runCli(['serve', '--data-dir', dataDir, '--visitor-leave-grace', 'soon'], { timeoutMs: 5000 });
    assertBadArguments(grace, /visitor-leave-grace must be a whole number/);
    const smtp = await runCli(['serve', '--data-dir', dataDir, '--smtp-host', 'smtp.shop.example'],
      { env: { JUTTU_SMTP_FROM: '' }, timeoutMs: 5000 });
    assertBadArguments(smtp, /smtp-from is required with smtp-host/);
  });

  it('a flag wins over the environment', async () => {
    const relay = await startSmtpServer();
    const res = await smtpTest({ port: 1 }, ['--smtp-port', String(relay.port), '--smtp-from', 'flag@shop.example']);
    assertDelivered(res);
    assert.equal(relay.messages[0].from, 'flag@shop.example');
    await relay.close();
  });
});
