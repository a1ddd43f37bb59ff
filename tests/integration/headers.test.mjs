// The headers every answer carries (docs/security.md, "Headers and Content-Security-Policy"):
// nosniff and a Referrer-Policy everywhere, a strict Content-Security-Policy by kind of
// answer, the console framed by nobody; pages without inline script or style; and
// /metrics behind a bearer token or on a listener of its own ("Metrics").
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, rawRequest, expectStatus } from './lib/harness.mjs';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const DATA_POLICY = "default-src 'none'; frame-ancestors 'none'";

let server;

before(async () => {
  server = await startServer();
});

/** GET through node:http (headers as a plain object, no redirect followed). */
const get = (target, path, headers = {}) => rawRequest(target, 'GET', path, { headers });

/** "a b; c d" -> {a: ['b'], c: ['d']}. */
function directives(policy) {
  assert.equal(typeof policy, 'string', 'a Content-Security-Policy header');
  const map = {};
  for (const part of policy.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/);
    assert.equal(map[name], undefined, `directive ${name} given twice in ${policy}`);
    map[name] = values;
  }
  return map;
}

/** The headers every answer must carry, whatever it is. */
function assertBaseline(res, what) {
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.match(res.headers['referrer-policy'] ?? '', /^(no-referrer|strict-origin-when-cross-origin)$/, `${what}: Referrer-Policy`);
  const policy = res.headers['content-security-policy'];
  assert.ok(policy, `${what}: a Content-Security-Policy`);
  assert.doesNotMatch(policy, /unsafe-|\*/, `${what}: nothing unsafe or wildcard in ${policy}`);
}

function assertPagePolicy(res, what, frameAncestors) {
  assertBaseline(res, what);
  const csp = directives(res.headers['content-security-policy']);
  assert.deepEqual(csp['script-src'], ["'self'"], `${what}: script-src`);
  assert.deepEqual(csp['style-src'], ["'self'"], `${what}: style-src`);
  assert.deepEqual(csp['connect-src'], ["'self'"], `${what}: connect-src`);
  assert.deepEqual(csp['object-src'], ["'none'"], `${what}: object-src`);
  assert.deepEqual(csp['base-uri'], ["'none'"], `${what}: base-uri`);
  assert.deepEqual(csp['default-src'], ["'self'"], `${what}: default-src`);
  assert.deepEqual(csp['frame-ancestors'], [frameAncestors], `${what}: frame-ancestors`);
}

function assertDataPolicy(res, what) {
  assertBaseline(res, what);
  assert.equal(res.headers['content-security-policy'], DATA_POLICY, `${what}: CSP`);
  assert.equal(res.headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
  assert.equal(res.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
}

/** What a strict policy would block in a page: inline script, handlers, style. */
function inlineCode(html) {
  const found = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (!/\bsrc\s*=/i.test(m[1]) || m[2].trim()) found.push(`inline script: ${m[0].slice(0, 80)}`);
  }
  for (const m of html.matchAll(/<style\b[^>]*>/gi)) found.push(`style element: ${m[0]}`);
  for (const m of html.matchAll(/<[a-z][^>]*\s(on[a-z]+|style)\s*=[^>]*>/gi)) found.push(`${m[1]} attribute: ${m[0].slice(0, 80)}`);
  for (const m of html.matchAll(/\bjavascript:/gi)) found.push(`javascript: URL at ${m.index}`);
  return found;
}

describe('security headers', () => {
  it('the console page: strict CSP, framed by no one, no-referrer, no inline script or style', async () => {
    const res = await get(server, '/console/');
    assert.equal(res.status, 200);
    assertPagePolicy(res, '/console/', "'none'");
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.match(res.text, /<script[^>]+src=/, 'the console loads its script from a file');
    assert.deepEqual(inlineCode(res.text), []);
  });

  it('the console\'s script and stylesheet carry nosniff and their own types', async () => {
    for (const [path, type] of [['/console/app.js', /^text\/javascript/], ['/console/console.css', /^text\/css/]]) {
      const res = await get(server, path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers['content-type'], type, path);
      assertDataPolicy(res, path);
    }
  });

  it('the demo shop and the landing page: the same strict CSP, framed only by our own pages', async () => {
    for (const path of ['/demo/', '/demo/cart.html', '/demo/hostile.html', '/']) {
      const res = await get(server, path);
      assert.equal(res.status, 200, path);
      assertPagePolicy(res, path, "'self'");
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', path);
      assert.equal(res.headers['referrer-policy'], 'strict-origin-when-cross-origin', path);
      assert.deepEqual(inlineCode(res.text), [], path);
    }
  });

  it('widget.js may be loaded by other origins and is a script, never sniffed', async () => {
    const res = await get(server, '/widget.js');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/javascript/);
    assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
    assertBaseline(res, '/widget.js');
    const page = await get(server, '/console/');
    assert.equal(page.headers['cross-origin-resource-policy'], 'same-origin', 'only the widget');
  });

  it('API answers, errors, redirects, /healthz and /metrics: nothing may load or run', async () => {
    const answers = {
      'an API answer': await get(server, '/api/v1/openapi.json'),
      'an API error (401)': await get(server, '/api/v1/conversations'),
      'a 404': await get(server, '/no/such/thing'),
      'a redirect': await get(server, '/console'),
      '/healthz': await get(server, '/healthz'),
      '/metrics': await get(server, '/metrics'),
      'a WebSocket to the wrong path (404)': await get(server, '/elsewhere', {
        Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      }),
      'a body too large (413)': await rawRequest(server, 'POST', '/api/v1/auth/login', {
        headers: { 'Content-Type': 'application/json' }, body: `"${'x'.repeat(70 * 1024)}"`,
      }),
    };
    const statuses = Object.fromEntries(Object.entries(answers).map(([what, res]) => [what, res.status]));
    assert.deepEqual(statuses, {
      'an API answer': 200, 'an API error (401)': 401, 'a 404': 404, 'a redirect': 301, '/healthz': 200, '/metrics': 200,
      'a WebSocket to the wrong path (404)': 404, 'a body too large (413)': 413,
    });
    for (const [what, res] of Object.entries(answers)) assertDataPolicy(res, what);
  });
});

describe('/metrics behind a token', () => {
  let guarded;

  before(async () => {
    guarded = await startServer({ env: { JUTTU_METRICS_TOKEN: METRICS_TOKEN } });
  });

  it('without the token: 401 unauthorized, asking for a bearer token', async () => {
    const res = await api(guarded, null, 'GET', '/metrics');
    expectStatus(res, 401, 'unauthorized');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/);
    assert.doesNotMatch(res.text, /juttu_/, 'no metric in the refusal');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  it('a wrong token, a token that is only a prefix or longer, or another scheme: 401', async () => {
    for (const authorization of [
      'Bearer wrong-token-0123456789abcdef', `Bearer ${METRICS_TOKEN.slice(0, -1)}`, `Bearer ${METRICS_TOKEN}x`,
      `Basic ${METRICS_TOKEN}`, `bearer${METRICS_TOKEN}`, 'Bearer ',
    ]) {
      expectStatus(await api(guarded, null, 'GET', '/metrics', undefined, { headers: { Authorization: authorization } }), 401, 'unauthorized');
    }
  });

  it('with the token: the metrics, and the rest of the server is unchanged', async () => {
    const res = await api(guarded, METRICS_TOKEN, 'GET', '/metrics');
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /^juttu_messages_total \d+$/m);
    expectStatus(await api(guarded, null, 'GET', '/healthz'), 200);
  });

  it('a token too short to be safe is refused at start', async () => {
    await assert.rejects(startServer({ env: { JUTTU_METRICS_TOKEN: 'short' } }), /metrics-token/);
  });
});

describe('/metrics on a listener of its own', () => {
  let split;
  let metricsUrl;

  before(async () => {
    split = await startServer({ env: { JUTTU_METRICS_LISTEN: '127.0.0.1:0', JUTTU_METRICS_TOKEN: METRICS_TOKEN } });
    metricsUrl = /Metrics: +(http:\/\/\S+)\/metrics/.exec(split.output())?.[1];
    assert.ok(metricsUrl, `no metrics address printed\n${split.output()}`);
    assert.notEqual(new URL(metricsUrl).port, String(split.port));
  });

  it('serves /metrics there, with the token, and nothing else', async () => {
    expectStatus(await api(metricsUrl, null, 'GET', '/metrics'), 401, 'unauthorized');
    const res = await api(metricsUrl, METRICS_TOKEN, 'GET', '/metrics');
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /^juttu_connections \d+$/m);
    assertDataPolicy(await get(metricsUrl, '/metrics'), 'the metrics listener');
    expectStatus(await api(metricsUrl, METRICS_TOKEN, 'GET', '/healthz'), 404, 'not_found');
    expectStatus(await api(metricsUrl, METRICS_TOKEN, 'GET', '/api/v1/openapi.json'), 404, 'not_found');
    assert.equal((await get(metricsUrl, '/console/')).status, 404);
  });

  it('the main listener no longer answers /metrics', async () => {
    expectStatus(await api(split, METRICS_TOKEN, 'GET', '/metrics'), 404, 'not_found');
    expectStatus(await api(split, null, 'GET', '/healthz'), 200);
  });
});
