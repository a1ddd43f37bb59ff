// A throwaway SMTP relay for tests (the `smtp-server` package) and the pieces to check
// what it received.
//
// startSmtpServer() listens on 127.0.0.1, port 0, in one of three modes (plain, STARTTLS,
// implicit TLS), optionally requires AUTH with one user and password, can answer a chosen
// command with a chosen code, and keeps every message it accepted (envelope + raw bytes).
// makeCertificates() makes a CA and a server certificate with the `openssl` CLI.
import { after } from 'node:test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { tempDir, withTimeout } from './harness.mjs';

const liveServers = new Set();

after(async () => {
  await Promise.all([...liveServers].map((s) => s.close()));
});

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A fresh CA and a server certificate it signed, for the given names and addresses, in a
 * temp dir. Returns { dir, caFile, key, cert } (key and cert as PEM text).
 */
export function makeCertificates({ names = ['localhost'], ips = ['127.0.0.1'] } = {}) {
  const dir = tempDir('juttu-smtp-tls-');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
    '-subj', '/CN=Juttu test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr',
    '-subj', `/CN=${names[0] || ips[0]}`], dir);
  const altNames = [...names.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(',');
  fs.writeFileSync(path.join(dir, 'server.ext'),
    `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
    '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'], dir);
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    key: fs.readFileSync(path.join(dir, 'server.key')),
    cert: fs.readFileSync(path.join(dir, 'server.pem')),
  };
}

function smtpError(code, message) {
  const err = new Error(message);
  err.responseCode = code;
  return err;
}

/**
 * Starts a relay. Options:
 *   tls: 'none' | 'starttls' | 'tls'   (default 'none'); certs: from makeCertificates()
 *   auth: { user, pass }                 AUTH required with these credentials
 *   authMethods: ['PLAIN', 'LOGIN']      what EHLO offers
 *   fail: { mail | rcpt | data: [code, text] }  answer that command with that reply
 *   hide8BITMIME: true                   do not offer 8BITMIME
 *   disable: ['EHLO']                    answer these commands 500 (not recognized)
 * Resolves { port, messages, authAttempts, close() }; each message is
 * { from, to, raw (Buffer), text (string), user, secure, body, helo }.
 */
export async function startSmtpServer(options = {}) {
  const { tls = 'none', certs, auth, fail = {}, authMethods = ['PLAIN', 'LOGIN'] } = options;
  const messages = [];
  const authAttempts = [];
  const disabledCommands = [];
  if (!auth) disabledCommands.push('AUTH');
  if (tls === 'none') disabledCommands.push('STARTTLS');
  disabledCommands.push(...(options.disable || []));
  const failWith = (step, callback) => {
    if (!fail[step]) return false;
    callback(smtpError(...fail[step]));
    return true;
  };
  const server = new SMTPServer({
    secure: tls === 'tls',
    ...(certs ? { key: certs.key, cert: certs.cert } : {}),
    disabledCommands,
    authMethods,
    authOptional: !auth,
    allowInsecureAuth: tls === 'none',
    hide8BITMIME: Boolean(options.hide8BITMIME),
    disableReverseLookup: true,
    logger: false,
    onAuth(attempt, session, callback) {
      authAttempts.push({ method: attempt.method, username: attempt.username, secure: session.secure });
      if (attempt.username === auth.user && attempt.password === auth.pass) {
        callback(null, { user: attempt.username });
      } else {
        callback(smtpError(535, 'Authentication credentials invalid'));
      }
    },
    onMailFrom(address, session, callback) {
      if (!failWith('mail', callback)) callback();
    },
    onRcptTo(address, session, callback) {
      if (!failWith('rcpt', callback)) callback();
    },
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => {
        if (failWith('data', callback)) return;
        const raw = Buffer.concat(chunks);
        messages.push({
          from: session.envelope.mailFrom.address,
          body: session.envelope.mailFrom.args?.BODY,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          text: raw.toString('utf8'),
          user: session.user,
          secure: session.secure,
          helo: session.hostNameAppearsAs,
        });
        callback(null, 'queued');
      });
    },
  });
  server.on('error', () => { /* a client that hangs up mid-TLS is not the test's failure */ });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const handle = {
    port: server.server.address().port,
    messages,
    authAttempts,
    close: () => {
      liveServers.delete(handle);
      return withTimeout(new Promise((resolve) => server.close(resolve)), 5000, 'smtp server close');
    },
  };
  liveServers.add(handle);
  return handle;
}

/**
 * A raw TCP server on 127.0.0.1, port 0, closed after the tests (or by its handle's
 * close(), which also drops its connections). onSocket(socket) serves each connection.
 * Resolves { handle: { port, close }, sockets }.
 */
async function listenTcp(onSocket) {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const handle = {
    port: server.address().port,
    close: () => {
      liveServers.delete(handle);
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
  liveServers.add(handle);
  return { handle, sockets };
}

/** A TCP server that accepts and then says nothing: the client must time out. */
export async function startSilentServer() {
  const { handle, sockets } = await listenTcp(() => {});
  return { ...handle, connections: () => sockets.size };
}

/**
 * A hand-written relay for replies smtp-server never gives (multi-line errors, odd
 * greetings): `replies` maps a command ('EHLO', 'MAIL', ..., '.' for the end of DATA) to
 * the raw reply text, 'greeting' to the banner. Resolves { port, lines, close() } where
 * lines are the client's lines as received.
 */
export async function startScriptedServer(replies) {
  const lines = [];
  const { handle } = await listenTcp((socket) => {
    let buffer = '';
    let inData = false;
    const reply = (key) => socket.write(`${(replies[key] ?? '502 5.5.1 not implemented').replace(/\r?\n/g, '\r\n')}\r\n`);
    reply('greeting');
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        lines.push(line);
        if (inData) {
          if (line === '.') { inData = false; reply('.'); }
          continue;
        }
        const command = line.split(' ')[0].toUpperCase();
        reply(command);
        if (command === 'DATA' && /^354/.test(replies.DATA || '')) inData = true;
        if (command === 'QUIT') socket.end();
      }
    });
  });
  return { ...handle, lines };
}

/** A port that nothing listens on (bound, then released). */
export async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ---------------------------------------------------------------------------------------
// Reading a received message (RFC 5322 + MIME), enough for text/plain.

/** RFC 2047 encoded-words ("=?UTF-8?B?...?=" and "?Q?") back to text. */
export function decodeWords(value) {
  // Whitespace between two encoded-words is not part of the text (RFC 2047 6.2).
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  return joined.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, enc, data) => {
    const bytes = enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return new TextDecoder(charset).decode(bytes);
  });
}

/** Quoted-printable (RFC 2045 6.7) back to UTF-8 text with CRLF line breaks. */
export function decodeQuotedPrintable(text) {
  const bytes = text.replace(/=\r\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * { headers: { lower-case name: [raw unfolded values] }, header(name), subject, body, lines }
 * where body is decoded by its Content-Transfer-Encoding and lines are the raw lines.
 */
export function parseMessage(raw) {
  const text = Buffer.isBuffer(raw) ? raw.toString('latin1') : raw;
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`no blank line between headers and body in ${JSON.stringify(text)}`);
  const headers = {};
  for (const field of text.slice(0, split).replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon).toLowerCase();
    (headers[name] ??= []).push(field.slice(colon + 1).trim());
  }
  const header = (name) => (headers[name.toLowerCase()] || [])[0];
  const rawBody = text.slice(split + 4);
  const cte = (header('content-transfer-encoding') || '7bit').toLowerCase();
  const body = cte === 'quoted-printable'
    ? decodeQuotedPrintable(rawBody)
    : Buffer.from(rawBody, 'latin1').toString('utf8');
  const utf8Header = (name) => {
    const value = header(name);
    return value === undefined ? undefined : decodeWords(Buffer.from(value, 'latin1').toString('utf8'));
  };
  return { headers, header, utf8Header, subject: utf8Header('subject'), body, lines: text.split('\r\n') };
}
