// `npm test`: one etcd and one NATS for the whole run, then every project's tests in one vitest
// run, then the servers stopped, whatever happened. The last line printed is always
// `N passed, N failed` (counted in tests, from vitest's JSON report), because CI reads that line
// and not vitest's own summary. Extra arguments go to vitest (`npm test -- libs/telemetry`).
//
// Environment:
//   PORTICO_TEST_ETCD / PORTICO_TEST_NATS  exported to the tests (http://… / nats://…); the
//                                          projects' global setup reuses them
//   PORTICO_TEST_REPORT                    where the JSON report goes (default reports/vitest.json)
//   PORTICO_TEST_TIMEOUT_MIN               stop vitest after this many minutes (default 28)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { countResults } from './report.mjs';
import { ensureServerBinaries, startEtcd, startNats, stopChild } from './servers.mjs';

const root = resolve(import.meta.dirname, '../..');
const say = (line) => process.stdout.write(`${line}\n`);

let tmpRoot;
let etcd;
let nats;
let vitest;
let interrupted;

async function stopServers() {
  const servers = [nats, etcd].filter(Boolean);
  nats = etcd = undefined;
  await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
  if (tmpRoot) rmSync(tmpRoot, { recursive: true, force: true });
  tmpRoot = undefined;
}

function runVitest(args, env, reportFile) {
  const require = createRequire(import.meta.url);
  const entry = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
  const argv = [
    entry,
    'run',
    '--config',
    join(root, 'vitest.config.mts'),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...args,
  ];
  return new Promise((resolveRun) => {
    vitest = spawn(process.execPath, argv, { cwd: root, env, stdio: 'inherit' });
    const limitMin = Number(process.env.PORTICO_TEST_TIMEOUT_MIN ?? 28);
    const watchdog = setTimeout(() => {
      say(`portico test: still running after ${limitMin} min; stopping vitest`);
      interrupted ??= 'timeout';
      void stopChild(vitest, 10_000);
    }, limitMin * 60_000);
    vitest.once('error', (e) => {
      clearTimeout(watchdog);
      say(`portico test: could not start vitest: ${e.message}`);
      resolveRun(1);
    });
    vitest.once('exit', (code, signal) => {
      clearTimeout(watchdog);
      vitest = undefined;
      resolveRun(code ?? (signal ? 1 : 0));
    });
  });
}

function onSignal(signal) {
  if (interrupted) return;
  interrupted = signal;
  say(`portico test: ${signal}, stopping`);
  // vitest gets the signal too when it comes from the terminal; a signal sent to this process
  // alone must still stop it. The servers are stopped once it has exited (or right away).
  if (vitest) {
    vitest.kill(signal);
    setTimeout(() => vitest?.kill('SIGKILL'), 15_000).unref();
  }
  else void stopServers().finally(() => finish({ passed: 0, failed: 1 }, 130));
}

function finish({ passed, failed }, exitCode) {
  say(`${passed} passed, ${failed} failed`);
  process.exitCode = exitCode;
}

async function main() {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  let bins;
  try {
    bins = ensureServerBinaries({ log: say });
  } catch (e) {
    say(`portico test: cannot start: ${e.message}`);
    return finish({ passed: 0, failed: 1 }, 1);
  }

  const reportFile = resolve(root, process.env.PORTICO_TEST_REPORT ?? 'reports/vitest.json');
  mkdirSync(dirname(reportFile), { recursive: true });
  rmSync(reportFile, { force: true });

  try {
    tmpRoot = mkdtempSync(join(tmpdir(), 'portico-test-'));
    [etcd, nats] = await Promise.all([
      startEtcd({ bin: bins.etcd, dir: join(tmpRoot, 'etcd') }),
      startNats({ bin: bins.nats, dir: join(tmpRoot, 'nats') }),
    ]);
  } catch (e) {
    say(`portico test: cannot start the test servers: ${e.message}`);
    await stopServers();
    return finish({ passed: 0, failed: 1 }, 1);
  }
  if (interrupted) {
    await stopServers();
    return finish({ passed: 0, failed: 1 }, 130);
  }
  say(`portico test: etcd ${etcd.url} (pid ${etcd.pid}), nats ${nats.url} (pid ${nats.pid})`);

  const env = { ...process.env, PORTICO_TEST_ETCD: etcd.url, PORTICO_TEST_NATS: nats.url };
  let code;
  try {
    code = await runVitest(process.argv.slice(2), env, reportFile);
  } finally {
    await stopServers();
  }
  const counts = existsSync(reportFile) || !interrupted ? countResults(reportFile, code, { root, say }) : { passed: 0, failed: 1 };
  const ok = counts.failed === 0 && code === 0 && !interrupted;
  finish(counts, ok ? 0 : interrupted === 'SIGINT' || interrupted === 'SIGTERM' ? 130 : 1);
}

main().catch(async (e) => {
  say(`portico test: ${e?.stack ?? e}`);
  if (vitest) await stopChild(vitest, 5000);
  await stopServers();
  finish({ passed: 0, failed: 1 }, 1);
});
