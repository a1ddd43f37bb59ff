// The static web assets: every request target that tries to leave the web root (absolute
// joins, dot segments, encodings, separators, NUL, symlinks) finds nothing, and what is
// inside the root is still served. Requests are written byte for byte on a raw socket, so
// no client library normalises them first.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startServer, tempDir } from './lib/harness.mjs';

const SECRET = 'juttu-secret-outside-the-root';

let server;
let root;

// Sends one request with `target` exactly as given; resolves { status, headers, body }.
function rawGet(target, { method = 'GET' } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.setTimeout(5000, () => socket.destroy(new Error(`timeout for ${JSON.stringify(target)}`)));
    socket.on('connect', () => {
      socket.write(Buffer.concat([
        Buffer.from(`${method} `), Buffer.from(target, 'latin1'),
        Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
      ]));
    });
    socket.on('data', (chunk) => { data = Buffer.concat([data, chunk]); });
    socket.on('error', reject);
    socket.on('close', () => {
      const text = data.toString('latin1');
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, head, body: text.slice(head.length + 4) });
    });
  });
}

before(async () => {
  const base = tempDir();
  root = path.join(base, 'web');
  fs.mkdirSync(path.join(root, 'console'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<p>root page</p>');
  fs.writeFileSync(path.join(root, 'console', 'index.html'), '<p>console page</p>');
  fs.writeFileSync(path.join(root, 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, '.hidden'), SECRET);
  // Outside the root: a file, a sibling whose name starts like the root's, and links to both.
  fs.writeFileSync(path.join(base, 'secret.txt'), SECRET);
  fs.mkdirSync(path.join(base, 'web-other'));
  fs.writeFileSync(path.join(base, 'web-other', 'secret.txt'), SECRET);
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link.txt'));
  fs.symlinkSync(path.join(base, 'web-other'), path.join(root, 'other'));
  fs.symlinkSync('/etc', path.join(root, 'etc'));
  server = await startServer({ env: { JUTTU_WEB_ROOT: root } });
});

describe('static files', () => {
  it('serves what is inside the root', async () => {
    for (const [target, text] of [['/', 'root page'], ['/index.html', 'root page'],
      ['/console/', 'console page'], ['/app.js', 'console.log'], ['/app.js?v=2', 'console.log']]) {
      const res = await rawGet(target);
      assert.equal(res.status, 200, target);
      assert.ok(res.body.includes(text), target);
    }
    assert.equal((await rawGet('/console')).status, 301);
  });

  it('answers 404 to every traversal family and serves nothing outside the root', async () => {
    const dataDb = path.join(server.dataDir, 'juttu.db');
    const targets = [
      // absolute joins (the leading double slash)
      '//etc/passwd', '///etc/passwd', '//proc/self/environ', '//proc/self/cmdline',
      '//proc/self/cwd/data/juttu.db', `/${dataDb}`, `//${dataDb}`, '/console//index.html',
      // dot segments
      '/../etc/passwd', '/../../../../etc/passwd', '/./index.html', '/console/../index.html',
      '/console/./index.html', '/..', '/.', '/.hidden', '/console/..',
      // percent-encodings of dots, slashes, backslashes and NUL
      '/%2e%2e/etc/passwd', '/%2E%2E%2Fetc%2Fpasswd', '/..%2fetc%2fpasswd', '/%2fetc%2fpasswd',
      '/%5c..%5cetc%5cpasswd', '/index.html%00.js', '/%252e%252e/etc/passwd', '/%c0%ae%c0%ae/etc/passwd',
      // backslashes, NUL and control bytes
      '/..\\etc\\passwd', '/\\etc\\passwd', '/index.html\0.js', '/index.html\x01',
      // symlinks out of the root
      '/link.txt', '/other/secret.txt', '/etc/passwd', '/etc/hostname',
      // not origin-form
      'http://127.0.0.1/etc/passwd', '*', 'etc/passwd',
    ];
    for (const target of targets) {
      const res = await rawGet(target);
      assert.ok(res.status === 404 || res.status === 400, `${JSON.stringify(target)} answered ${res.status}`);
      assert.ok(!res.body.includes(SECRET), `${JSON.stringify(target)} served the secret`);
      assert.ok(!res.body.includes('root:'), `${JSON.stringify(target)} served /etc/passwd`);
      assert.ok(!res.body.includes('SQLite format'), `${JSON.stringify(target)} served the database`);
      assert.ok(!res.body.includes('JUTTU_BOOTSTRAP'), `${JSON.stringify(target)} served the environment`);
    }
    for (const target of ['//etc/passwd', '/link.txt']) {
      assert.equal((await rawGet(target, { method: 'HEAD' })).status, 404, `HEAD ${target}`);
    }
  });
});
