// Attachments through a crash (SIGKILL): visitors upload files (some of several MB, some
// still streaming their body when the server dies) and send them in messages, all at
// once; after a restart on the same data dir every acknowledged message still carries its
// file, byte for byte, no message names a file that cannot be fetched, every blob has its
// row and every row its blob, and a retried upload is stored once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startServer, demo, api, expectStatus, visitor, uid, eventually } from './lib/harness.mjs';
import { png } from './lib/images.mjs';

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

// A PDF of `size` bytes of noise (a type kept byte for byte); `seed` makes each unique.
function pdf(size, seed) {
  const body = crypto.createHash('sha256').update(String(seed)).digest();
  const filler = Buffer.alloc(Math.max(0, size - 24));
  for (let i = 0; i < filler.length; i += body.length) body.copy(filler, i);
  return Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(`${seed}\n`), filler, Buffer.from('\n%%EOF\n')]);
}

async function upload(server, auth, name, bytes, key) {
  const res = await fetch(`${server.url}/api/v1/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: auth, 'idempotency-key': key },
    body: bytes,
    signal: AbortSignal.timeout(30000),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}

async function download(server, url) {
  const res = await fetch(`${server.url}${url}`, { signal: AbortSignal.timeout(30000) });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

// An upload whose body trickles in (64 KiB every 20 ms): the kill lands in its middle.
// Resolves when `started` bytes are written; `.done` settles when the request does.
function slowUpload(server, auth, bytes, key) {
  const req = http.request(`${server.url}/api/v1/files?name=slow.pdf`, {
    method: 'POST',
    headers: { authorization: auth, 'idempotency-key': key, 'content-length': bytes.length },
  });
  const done = new Promise((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
      res.on('error', (err) => resolve({ error: err.message }));
    });
    req.on('error', (err) => resolve({ error: err.message }));
  });
  let written = 0;
  const started = new Promise((resolve) => {
    const step = () => {
      if (req.destroyed) return;
      if (written >= bytes.length) return req.end();
      const part = bytes.subarray(written, written + 64 * 1024);
      written += part.length;
      if (written >= 1024 * 1024) resolve();
      req.write(part, () => setTimeout(step, 20));
    };
    step();
  });
  return { started, done, written: () => written };
}

function sql(dataDir, query) {
  const out = execFileSync('sqlite3', [path.join(dataDir, 'juttu.db'), query]).toString().trim();
  return out ? out.split('\n') : [];
}

// Every blob has a row and every row its blobs.
function assertBlobsMatchRows(dataDir) {
  const named = new Set();
  for (const line of sql(dataDir, "SELECT blob_key || '|' || thumbnail_key FROM files")) {
    const [blob, thumbnail] = line.split('|');
    named.add(blob);
    if (thumbnail) named.add(thumbnail);
  }
  const onDisk = new Set(fs.readdirSync(path.join(dataDir, 'files')));
  for (const key of named) assert.ok(onDisk.has(key), `row names the missing blob ${key}`);
  for (const name of onDisk) assert.ok(named.has(name), `blob ${name} has no row`);
  return named.size;
}

describe('files through a crash', () => {
  it('SIGKILL during uploads and sends: no message loses its file, no file doubles', async () => {
    // Uploads are limited per visitor; these visitors upload more than one would.
    const srv = await startServer({ env: { JUTTU_LIMIT_UPLOADS_PER_CONTACT: '1000000/1' } });
    const d = await demo(srv);
    const visitors = await Promise.all([0, 1, 2, 3].map(async (i) => {
      const client = await visitor(srv, d.siteKey, { label: `v${i}` });
      return { client, auth: `Contact ${d.siteKey}:${client.contactToken}`, uploads: [], sends: [] };
    }));

    // Each visitor in turn: upload a file (a small or a large PDF, or an image), then send
    // it without waiting for the ack, and the next upload at once.
    let stopped = false;
    let seed = 0;
    const work = visitors.map(async (v, vi) => {
      for (let round = 0; !stopped; round++) {
        const kind = ['small', 'image', 'large', 'small'][(round + vi) % 4];
        seed += 1;
        const bytes = kind === 'image' ? png(240, 160, `secret ${seed}`, seed)
          : pdf(kind === 'large' ? (2 + (seed % 3)) * 1024 * 1024 : 2000 + seed, seed);
        const name = kind === 'image' ? `photo-${seed}.png` : `doc-${seed}.pdf`;
        const attempt = { key: uid('up'), name, bytes, status: 'sent' };
        v.uploads.push(attempt);
        let res;
        try {
          res = await upload(srv, v.auth, name, bytes, attempt.key);
        } catch {
          return;  // the server is gone
        }
        assert.equal(res.status, 201, JSON.stringify(res.body));
        attempt.status = 'stored';
        attempt.file = res.body.file;
        // What a reader gets: the bytes sent, or the image as re-encoded.
        if (kind === 'image') {
          try {
            const served = await download(srv, attempt.file.url);
            attempt.sha = sha256(served.bytes);
          } catch {
            return;
          }
        } else {
          attempt.sha = sha256(bytes);
        }
        if (stopped) return;
        const clientId = uid('m');
        const send = { clientId, file: attempt.file, sha: attempt.sha, acked: false };
        v.sends.push(send);
        v.client.send({ type: 'send', client_id: clientId, body: `file ${seed}`, attachments: [attempt.file.id] });
        v.client.next((f) => (f.type === 'ack' && f.client_id === clientId) || (f.type === 'error' && f.ref === clientId), 30000)
          .then((f) => {
            assert.equal(f.type, 'ack', JSON.stringify(f));
            send.acked = true;
            send.conversationId = f.conversation_id;
          }, () => { /* the socket closed first: unknown */ });
      }
    });

    // Enough acknowledged, then two slow uploads that are mid-body when the kill comes.
    await eventually(() => visitors.every((v) => v.sends.filter((s) => s.acked).length >= 3),
      { timeoutMs: 60000, what: 'three acknowledged sends per visitor' });
    const slow = [0, 1].map((i) => {
      const bytes = pdf(6 * 1024 * 1024, `slow-${i}`);
      const key = uid('slow');
      return { visitor: visitors[i], bytes, key, request: slowUpload(srv, visitors[i].auth, bytes, key) };
    });
    await Promise.all(slow.map((s) => s.request.started));
    const killed = await srv.kill9();
    stopped = true;
    assert.equal(killed.signal, 'SIGKILL', 'the server must die by SIGKILL');
    await Promise.all(work);
    for (const s of slow) {
      const outcome = await s.request.done;
      assert.ok(outcome.error, `the slow upload must not finish: ${JSON.stringify(outcome)}`);
      assert.ok(s.request.written() < s.bytes.length, 'the kill came in the middle of the body');
    }
    const acked = visitors.flatMap((v) => v.sends.filter((s) => s.acked));
    assert.ok(acked.length >= 12, `${acked.length} acknowledged sends`);

    // What a crash between a blob's put and its row's commit leaves, planted for sure
    // (the kill above lands there only by chance), and a half-written temporary file.
    const filesDir = path.join(srv.dataDir, 'files');
    const orphan = `f_${'Z'.repeat(24)}`;
    fs.writeFileSync(path.join(filesDir, orphan), 'bytes whose row never committed');
    fs.writeFileSync(path.join(filesDir, `${orphan}.thumb`), 'and its thumbnail');
    fs.writeFileSync(path.join(filesDir, `.tmp-${orphan}-abcdefgh`), 'half a blob');

    const again = await srv.restart();
    const d2 = await demo(again);
    assert.ok(!fs.existsSync(path.join(filesDir, orphan)), 'an orphan blob survived the start');
    assert.ok(!fs.existsSync(path.join(filesDir, `${orphan}.thumb`)));
    assert.ok(!fs.existsSync(path.join(filesDir, `.tmp-${orphan}-abcdefgh`)));
    const removed = /(\d+) blobs left by a crash without a file row removed/.exec(again.output());
    assert.ok(removed && Number(removed[1]) >= 2, again.output());
    assertBlobsMatchRows(again.dataDir);

    // Every acknowledged message is there with its file, byte for byte.
    for (const send of acked) {
      const page = expectStatus(await api(again, d2.token, 'GET',
        `/conversations/${send.conversationId}/messages?after_seq=0&limit=500`), 200);
      const message = page.items.find((m) => m.client_id === send.clientId);
      assert.ok(message, `acknowledged ${send.clientId} is gone`);
      assert.deepEqual(message.attachments.map((a) => a.id), [send.file.id]);
      const got = await download(again, message.attachments[0].url);
      assert.equal(got.status, 200);
      assert.equal(sha256(got.bytes), send.sha, `${send.file.name} changed`);
    }

    // No message, acknowledged or not, names a file that cannot be fetched.
    let conversations = [];
    for (const status of ['open', 'pending', 'closed']) {
      let cursor = null;
      do {
        const page = expectStatus(await api(again, d2.token, 'GET',
          `/conversations?status=${status}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), 200);
        conversations = conversations.concat(page.items);
        cursor = page.next_cursor;
      } while (cursor);
    }
    assert.equal(conversations.length, visitors.length);
    let attachments = 0;
    for (const conversation of conversations) {
      let after = 0;
      for (;;) {
        const page = expectStatus(await api(again, d2.token, 'GET',
          `/conversations/${conversation.id}/messages?after_seq=${after}&limit=500`), 200);
        for (const message of page.items) {
          for (const attachment of message.attachments ?? []) {
            const got = await download(again, attachment.url);
            assert.equal(got.status, 200, `${message.client_id}: ${attachment.id} cannot be fetched`);
            assert.equal(got.bytes.length, attachment.size);
            if (attachment.thumbnail_url) assert.equal((await download(again, attachment.thumbnail_url)).status, 200);
            attachments += 1;
          }
          after = message.seq;
        }
        if (!page.has_more) break;
      }
    }
    assert.ok(attachments >= acked.length, `${attachments} attachments, ${acked.length} acknowledged`);

    // Retries after the restart, with the same keys: a stored upload comes back as it was,
    // one the crash cut off is stored now; either way once.
    const retries = visitors.flatMap((v) => v.uploads.map((u) => ({ auth: v.auth, ...u })))
      .concat(slow.map((s) => ({ auth: s.visitor.auth, key: s.key, name: 'slow.pdf', bytes: s.bytes, status: 'sent' })));
    for (const attempt of retries) {
      const first = await upload(again, attempt.auth, attempt.name, attempt.bytes, attempt.key);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      if (attempt.status === 'stored') assert.equal(first.body.file.id, attempt.file.id, 'a stored upload came back as another file');
      const second = await upload(again, attempt.auth, attempt.name, attempt.bytes, attempt.key);
      assert.equal(second.body.file.id, first.body.file.id);
      const got = await download(again, first.body.file.url);
      if (!attempt.name.endsWith('.png')) assert.equal(sha256(got.bytes), sha256(attempt.bytes));
    }
    const keys = retries.map((r) => `'${r.key}'`).join(',');
    const counts = sql(again.dataDir, `SELECT COUNT(*) FROM files WHERE idempotency_key IN (${keys}) GROUP BY idempotency_key`);
    assert.equal(counts.length, retries.length);
    assert.ok(counts.every((c) => c === '1'), `an upload was stored twice: ${counts}`);
    assertBlobsMatchRows(again.dataDir);
    await again.stop();
  });
});
