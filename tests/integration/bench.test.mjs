// The benchmark tools against this build's server, at a small size: the load generator
// still speaks the protocol and checks every message, scripts/bench prints its BENCH
// lines, and scripts/bench-ab compares two builds. Figures are not judged here (speed
// is measured in BENCHMARKS.md, not in tests), only that the tools work and agree.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BIN, REPO_ROOT } from './lib/harness.mjs';

const build = path.dirname(BIN);
// The sanitizer build leaves the tools out (its bench/ may hold an older build's).
const cache = path.join(build, 'CMakeCache.txt');
const haveTools = fs.existsSync(cache) && /^JUTTU_BENCH:BOOL=ON$/m.test(fs.readFileSync(cache, 'utf8'));

// Runs a script of scripts/ with the small rate scenario; the BENCH objects it printed.
async function bench(script, args = [], env = {}) {
  const { stdout } = await promisify(execFile)(path.join(REPO_ROOT, 'scripts', script), args, {
    cwd: REPO_ROOT,
    timeout: 120_000,
    env: {
      ...process.env,
      JUTTU_BENCH_BUILD: build,
      JUTTU_BENCH_RATE: '400',
      JUTTU_BENCH_CONVERSATIONS: '40',
      ...env,
    },
  });
  return stdout.split('\n').filter((line) => line.startsWith('BENCH ')).map((line) => JSON.parse(line.slice(6)));
}

// Checks a saturation-shaped BENCH line of one step at 400 msgs/s: the run passed, every
// message arrived once and in order, and the step held the rate. Returns the step.
function heldStep(run) {
  assert.equal(run.ok, true);
  assert.equal(run.lost, 0);
  assert.equal(run.duplicated, 0);
  assert.equal(run.out_of_order, 0);
  // The step's own figures: the summary's rate is the best step within the p99 limit,
  // which a busy test machine may miss.
  const [step] = run.steps;
  assert.ok(step.msgs_per_s > 300 && step.msgs_per_s < 500, `msgs_per_s ${step.msgs_per_s} for 400 offered`);
  assert.ok(step.server_cpu_us_per_msg > 0, 'the measured process used CPU');
  return step;
}

describe('benchmark tools', { skip: !haveTools && 'built without bench/ (JUTTU_BENCH=OFF)' }, () => {
  it('holds a fixed rate with every message delivered once and in order, and reports the store', async () => {
    const lines = await bench('bench', [], { JUTTU_BENCH_ONLY: 'rate' });
    const run = lines.find((line) => line.scenario === 'saturation');
    assert.ok(run, `no saturation line in ${JSON.stringify(lines)}`);
    heldStep(run);
    const store = lines.find((line) => line.scenario === 'rate_store');
    assert.ok(store, 'no rate_store line');
    // The generator's messages, and nothing else, are what the store wrote meanwhile.
    assert.ok(store.writes >= run.sent && store.writes <= run.sent * 1.1, `${store.writes} writes for ${run.sent} sent`);
    assert.ok(store.commits > 0 && store.writer_bytes_per_write > 0);
  });

  it('measures the reference relay with the same generator and checks', async () => {
    // Two agents per workspace: the relay must route each message to every agent, as
    // Juttu does, and the generator counts a message an agent missed as lost.
    const lines = await bench('bench', [], {
      JUTTU_BENCH_ONLY: 'relay',
      JUTTU_BENCH_SAT_START: '400',
      JUTTU_BENCH_SAT_MAX: '400',
      JUTTU_BENCH_SAT_CONVERSATIONS: '40',
      JUTTU_BENCH_SAT_AGENTS: '2',
    });
    assert.deepEqual(lines.map((line) => line.scenario), ['relay']);
    const [run] = lines;
    assert.equal(run.conversations, 40);
    assert.equal(run.agents_per_workspace, 2);
    assert.equal(run.agents, 10);
    const step = heldStep(run);
    // Three copies of each message: the visitor's and each of the two agents'.
    assert.ok(step.events_per_s > 2.7 * step.msgs_per_s, `events_per_s ${step.events_per_s}`);
  });

  it('compares two builds in alternating runs', async () => {
    const lines = await bench('bench-ab', [build, build], { JUTTU_BENCH_ROUNDS: '1' });
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.equal(line.scenario, 'ab');
      assert.equal(line.build, build);
      assert.equal(line.runs, 1);
      assert.equal(line.cpu_us_per_msg.length, 1);
      assert.equal(line.cpu_us_per_msg_median, line.cpu_us_per_msg[0]);
      assert.ok(line.p99_ms_median > 0);
    }
  });

  it('refuses a comparison without two builds', async () => {
    await assert.rejects(bench('bench-ab', [build]), (error) => error.code === 2 && /usage/.test(error.stderr));
  });
});
