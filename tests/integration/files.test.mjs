// Attachments: uploads checked on their bytes, images re-encoded without metadata and
// thumbnailed, downloads only for the conversation's visitor and the workspace's agents,
// sends that carry files, and limits that refuse with a clear code and store nothing.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, demo, api, expectStatus, visitor, agent, uid, login, cliOk, rawRequest,
} from './lib/harness.mjs';
import {
  png, jpeg, exifGps, jpegSegments, jpegSize, EXIF_CAMERA, GPS_POINTER_ENTRY, GPS_LATITUDE,
} from './lib/images.mjs';

const B_ORIGIN = 'http://beta-files.example';

// --- HTTP helpers ---

async function upload(server, auth, name, bytes, { key = uid('u'), type = 'application/octet-stream' } = {}) {
  const res = await fetch(`${server.url}/api/v1/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: auth, 'idempotency-key': key, 'content-type': type },
    body: bytes,
  });
  const text = await res.text();
  let body = null;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body, headers: res.headers };
}

async function fetchBytes(server, url, headers = {}) {
  const res = await fetch(`${server.url}${url}`, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function fileRows(dataDir) {
  return fs.readdirSync(path.join(dataDir, 'files')).filter((f) => !f.startsWith('.'));
}

let server;
let A;
let inbox;
let guest;
let guestAuth;

before(async () => {
  server = await startServer();
  A = await demo(server);
  inbox = await agent(server, A.token, { label: 'inbox' });
  guest = await visitor(server, A.siteKey, { label: 'guest' });
  guestAuth = `Contact ${A.siteKey}:${guest.contactToken}`;
});

describe('files', () => {
  it('a visitor uploads an image, sends it, and both sides read it back cleaned', async () => {
    const original = png(800, 600);
    const up = await upload(server, guestAuth, 'photo of the box.png', original, { type: 'image/png' });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const file = up.body.file;
    assert.match(file.id, /^f_[A-Za-z0-9_-]{22,}$/);
    assert.equal(file.name, 'photo of the box.png');
    assert.equal(file.type, 'image/png');
    assert.equal(file.kind, 'image');
    assert.equal(file.width, 800);
    assert.equal(file.height, 600);
    assert.match(file.url, /^\/files\//);
    assert.match(file.thumbnail_url, /^\/files\//);

    const served = await fetchBytes(server, file.url);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
    assert.match(served.headers.get('content-disposition'), /^inline; filename="photo of the box.png"; filename\*=UTF-8''photo%20of%20the%20box.png$/);
    assert.match(served.headers.get('content-security-policy'), /default-src 'none'; sandbox/);
    assert.match(served.headers.get('cache-control'), /private/);
    assert.ok(original.includes('JUTTU-SECRET-LOCATION'));
    assert.ok(!served.bytes.includes('JUTTU-SECRET-LOCATION'), 'metadata must not survive');
    assert.equal(served.bytes.subarray(0, 8).toString('latin1'), '\x89PNG\r\n\x1a\n');
    assert.equal(served.bytes.length, file.size);

    const thumb = await fetchBytes(server, file.thumbnail_url);
    assert.equal(thumb.status, 200);
    assert.match(thumb.headers.get('content-type'), /^image\/(jpeg|png)$/);
    assert.ok(thumb.bytes.length < served.bytes.length / 2, `thumbnail ${thumb.bytes.length} vs ${served.bytes.length}`);

    const clientId = uid('m');
    guest.send({ type: 'send', client_id: clientId, body: '', attachments: [file.id] });
    const ack = await guest.next({ type: 'ack', client_id: clientId });
    const event = await inbox.next((f) => f.type === 'message' && f.message?.client_id === clientId);
    assert.equal(event.message.attachments.length, 1);
    assert.equal(event.message.attachments[0].id, file.id);
    const agentCopy = await fetchBytes(server, event.message.attachments[0].url);
    assert.deepEqual(agentCopy.bytes, served.bytes);

    const history = expectStatus(await api(server, A.token, 'GET', `/conversations/${ack.conversation_id}/messages`), 200);
    const sent = history.items.find((m) => m.client_id === clientId);
    assert.equal(sent.attachments[0].name, 'photo of the box.png');
    // With the agent's bearer token too, no signature needed.
    const byHeader = await fetchBytes(server, `/files/${file.url.split('/')[2]}/${file.id}/original`, { authorization: `Bearer ${A.token}` });
    assert.equal(byHeader.status, 200);
    assert.deepEqual(byHeader.bytes, served.bytes);

    // A file sends once.
    guest.send({ type: 'send', client_id: uid('m'), body: 'again', attachments: [file.id] });
    const refused = await guest.next({ type: 'error' });
    assert.ok(['validation_failed', 'bad_frame'].includes(refused.code), refused.code);
    assert.match(refused.message, /already sent/);
  });

  it('a JPEG with a GPS location in its EXIF is served, and thumbnailed, without it', async () => {
    const original = jpeg(640, 480, [exifGps()]);
    // The test's own image: a JPEG as a camera writes one, location and all.
    assert.ok(original.includes('Exif\0\0') && original.includes(GPS_POINTER_ENTRY) && original.includes(GPS_LATITUDE));
    assert.deepEqual(jpegSize(original), { width: 640, height: 480 });
    const up = await upload(server, guestAuth, 'IMG_0001.jpg', original, { type: 'image/jpeg' });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const file = up.body.file;
    assert.equal(file.type, 'image/jpeg');
    assert.equal(file.width, 640);
    assert.equal(file.height, 480);

    const served = await fetchBytes(server, file.url);
    const thumb = await fetchBytes(server, file.thumbnail_url);
    assert.equal(served.status, 200);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
    for (const [what, bytes, size] of [
      ['image', served.bytes, { width: 640, height: 480 }],
      ['thumbnail', thumb.bytes, { width: 320, height: 240 }],
    ]) {
      const markers = jpegSegments(bytes).map(({ marker }) => marker.toString(16));
      assert.ok(!markers.includes('e1'), `${what}: an APP1 (EXIF or XMP) segment is left: ${markers}`);
      assert.ok(!bytes.includes('Exif\0\0'), `${what}: EXIF is left`);
      assert.ok(!bytes.includes(GPS_POINTER_ENTRY), `${what}: the GPS pointer is left`);
      assert.ok(!bytes.includes(GPS_LATITUDE), `${what}: the latitude is left`);
      assert.ok(!bytes.includes(EXIF_CAMERA), `${what}: the camera's name is left`);
      assert.deepEqual(jpegSize(bytes), size, what);
    }
    // What is served decodes: the server reads it again as an image of the same size.
    const again = await upload(server, guestAuth, 'served.jpg', served.bytes);
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal(again.body.file.width, 640);
    assert.equal(again.body.file.height, 480);
  });

  it('an agent uploads a PDF: served as an attachment, byte for byte', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const up = await upload(server, `Bearer ${A.token}`, 'lasku ä.pdf', pdf);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.file.kind, 'file');
    assert.equal(up.body.file.thumbnail_url, undefined);
    const got = await fetchBytes(server, up.body.file.url);
    assert.deepEqual(got.bytes, pdf);
    assert.equal(got.headers.get('content-type'), 'application/pdf');
    assert.match(got.headers.get('content-disposition'), /^attachment; filename="lasku _.pdf"; filename\*=UTF-8''lasku%20%C3%A4.pdf$/);
  });

  it('the widget may upload and read from the shop\'s origin (CORS)', async () => {
    const origin = 'https://shop.example';
    const preflight = await fetch(`${server.url}/api/v1/files?name=a.pdf`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, idempotency-key' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
    assert.match(preflight.headers.get('access-control-allow-headers'), /Idempotency-Key/);
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const res = await fetch(`${server.url}/api/v1/files?name=a.pdf`, {
      method: 'POST', headers: { origin, authorization: guestAuth, 'idempotency-key': uid('u') }, body: pdf,
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('access-control-allow-origin'), origin);
    assert.match(res.headers.get('vary'), /Origin/);
    const file = (await res.json()).file;
    const read = await fetch(`${server.url}${file.url}`, { headers: { origin } });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('access-control-allow-origin'), origin);
  });

  it('a file of several megabytes is taken (over the HTTP parser\'s default limit)', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3 * 1024 * 1024, 0x20), Buffer.from('\n%%EOF\n')]);
    const up = await upload(server, `Bearer ${A.token}`, 'catalogue.pdf', big);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.file.size, big.length);
    assert.deepEqual((await fetchBytes(server, up.body.file.url)).bytes, big);
  });

  it('a retried upload with the same key is the same file, stored once', async () => {
    const key = uid('u');
    const before = fileRows(server.dataDir).length;
    const first = await upload(server, guestAuth, 'notes.txt', Buffer.from('hello\n'), { key });
    const second = await upload(server, guestAuth, 'notes.txt', Buffer.from('hello\n'), { key });
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(second.body.file.id, first.body.file.id);
    assert.equal(fileRows(server.dataDir).length, before + 1);
  });

  it('a renamed executable and SVG are refused by their bytes, and nothing is stored', async () => {
    const before = fileRows(server.dataDir).length;
    const elf = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(200)]);
    const exe = await upload(server, guestAuth, 'invoice.pdf', elf, { type: 'application/pdf' });
    assert.equal(exe.status, 415);
    assert.equal(exe.body.error.code, 'file_type_not_allowed');
    assert.match(exe.body.error.message, /not allowed/);
    const pe = await upload(server, guestAuth, 'photo.jpg', Buffer.from('MZ\x90\x00 this program', 'latin1'));
    assert.equal(pe.status, 415);
    const svg = await upload(server, guestAuth, 'logo.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    assert.equal(svg.status, 415);
    assert.equal(fileRows(server.dataDir).length, before);
  });

  it('a file over the limit is refused with file_too_large, and nothing is stored', async () => {
    const small = await startServer({ env: { JUTTU_MAX_UPLOAD_BYTES: '1000' } });
    try {
      const d = await demo(small);
      // The limit is the HTTP reader's as well as the files service's, so a body over it
      // never reaches the service (tests/unit/files_test.cpp refuses there, with the same
      // max_bytes): refused from its Content-Length, before the body is read...
      const big = await upload(small, `Bearer ${d.token}`, 'big.txt', Buffer.alloc(5000, 'a'));
      assert.equal(big.status, 413);
      assert.equal(big.body.error.code, 'file_too_large');
      assert.match(big.body.error.message, /larger than/);
      assert.equal(big.body.error.max_bytes, 1000);
      // ...and a chunked body, which has none, as soon as it passes the limit.
      const chunked = await rawRequest(small, 'POST', '/api/v1/files?name=big.txt', {
        headers: { authorization: `Bearer ${d.token}`, 'idempotency-key': uid('u'), origin: 'https://shop.example' },
        body: Buffer.alloc(1001, 'a'),
      });
      assert.equal(chunked.status, 413, chunked.text);
      // The widget on the shop's page may read why (as it reads the upload's other answers).
      assert.equal(chunked.headers['access-control-allow-origin'], 'https://shop.example');
      assert.equal(chunked.headers['content-type'], 'application/json');
      assert.deepEqual(Object.keys(chunked.body.error).sort(), ['code', 'max_bytes', 'message']);
      assert.equal(chunked.body.error.code, 'file_too_large');
      assert.equal(chunked.body.error.max_bytes, 1000);
      // Other requests over their limit name no file limit.
      const form = await rawRequest(small, 'POST', '/api/v1/auth/login', {
        headers: { 'content-type': 'application/json' }, body: `"${'a'.repeat(70 * 1024)}"`,
      });
      assert.equal(form.status, 413);
      assert.equal(form.body.error.code, 'payload_too_large');
      assert.equal(form.body.error.max_bytes, undefined);
      assert.deepEqual(fileRows(small.dataDir), []);
      // The clients are told the limits in the welcome, to refuse a file before sending it.
      const guest = await visitor(small, d.siteKey, { label: 'limits' });
      assert.deepEqual(guest.welcome.uploads, { max_bytes: 1000, max_files: 10 });
      guest.close();
      const fine = await upload(small, `Bearer ${d.token}`, 'ok.txt', Buffer.alloc(900, 'a'));
      assert.equal(fine.status, 201);
    } finally {
      await small.stop();
    }
  });

  it('bad names, keys and credentials are refused', async () => {
    const bytes = Buffer.from('hello\n');
    assert.equal((await upload(server, 'Contact nope:nope', 'a.txt', bytes)).status, 401);
    assert.equal((await upload(server, '', 'a.txt', bytes)).status, 401);
    const control = await upload(server, guestAuth, 'a\u0001.txt', bytes);
    assert.equal(control.status, 400);
    assert.equal(control.body.error.code, 'validation_failed');
    const badKey = await upload(server, guestAuth, 'a.txt', bytes, { key: 'spaces are bad' });
    assert.equal(badKey.status, 400);
  });

  it('another visitor and another workspace cannot fetch the file', async () => {
    const up = await upload(server, guestAuth, 'private.txt', Buffer.from('ALPHA-SECRET\n'));
    const file = up.body.file;
    const [, , workspace] = file.url.split('/');
    const raw = `/files/${workspace}/${file.id}/original`;
    // The owner by header; a tampered signature, another visitor, another workspace: 404.
    assert.equal((await fetchBytes(server, raw, { authorization: guestAuth })).status, 200);
    const tampered = file.url.replace(/sig=(.)/, (_, c) => `sig=${c === '0' ? '1' : '0'}`);
    assert.notEqual(tampered, file.url);
    assert.equal((await fetchBytes(server, tampered)).status, 404);
    assert.equal((await fetchBytes(server, file.url.replace(/exp=\d+/, 'exp=9999999999'))).status, 404);
    const other = await visitor(server, A.siteKey, { label: 'other' });
    assert.equal((await fetchBytes(server, raw, { authorization: `Contact ${A.siteKey}:${other.contactToken}` })).status, 404);
    // The other visitor cannot send it either.
    other.send({ type: 'send', client_id: uid('m'), body: 'mine now', attachments: [file.id] });
    const refused = await other.next({ type: 'error' });
    assert.match(refused.message, /unknown attachment/);

    await cliOk(['admin', 'workspace', 'create', '--data-dir', server.dataDir, '--name', 'BetaFiles']);
    await cliOk(['admin', 'agent', 'create', '--data-dir', server.dataDir, '--workspace', 'BetaFiles', '--email',
      'b@files.example', '--name', 'B', '--password', 'beta-password-123', '--role', 'admin']);
    const b = await login(server, 'b@files.example', 'beta-password-123');
    assert.equal((await fetchBytes(server, raw, { authorization: `Bearer ${b.token}` })).status, 404);
    const bWorkspace = b.agent.workspace_id;
    assert.equal((await fetchBytes(server, `/files/${bWorkspace}/${file.id}/original`, { authorization: `Bearer ${b.token}` })).status, 404);
  });
});
