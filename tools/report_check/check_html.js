#!/usr/bin/env node
// Usage: node check_html.js REPORT.html SCREENSHOT.png
// Loads a doctor HTML report from disk in headless Chromium (Debian
// `chromium`) with the network off, over the DevTools protocol: records
// console messages, exceptions and every request that is not the file
// itself, takes a screenshot, and prints one JSON object with what a reader
// sees: the verdict text, the chart's elements per layer, the sections.
'use strict';
const {spawn} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const WebSocket = require('ws');

const [htmlPath, shotPath] = process.argv.slice(2);
if (!htmlPath || !shotPath) {
  console.error('usage: check_html.js REPORT.html SCREENSHOT.png');
  process.exit(2);
}
const browser = process.env.CHROMIUM || 'chromium';
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tfd-chromium-'));
const chrome = spawn(browser, [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
  '--disable-extensions', '--disable-background-networking', '--disable-sync', '--disable-component-update',
  // The network is off: no proxy answers and no name resolves.
  '--proxy-server=127.0.0.1:9', '--host-resolver-rules=MAP * ~NOTFOUND',
  `--user-data-dir=${profile}`, '--remote-debugging-port=0', '--window-size=1200,900', 'about:blank',
], {stdio: ['ignore', 'ignore', 'pipe'], detached: true});

// Chromium's helpers (renderer, GPU, zygote) are its process group: all of
// them are killed, else one may still write into the profile while it is
// removed (ENOTEMPTY under load).
function killChrome() {
  try { process.kill(-chrome.pid, 'SIGKILL'); } catch (e) { try { chrome.kill('SIGKILL'); } catch (e2) {} }
}
function removeProfile() {
  try {
    fs.rmSync(profile, {recursive: true, force: true, maxRetries: 20, retryDelay: 50});
  } catch (e) {
    console.error(`check_html: note: ${profile} not removed (${e.message})`);
  }
}
function fail(message) {
  console.error(`check_html: ${message}`);
  killChrome();
  removeProfile();
  process.exit(1);
}
const timer = setTimeout(() => fail('timed out after 60 s'), 60000);

let stderr = '';
chrome.stderr.on('data', (d) => {
  stderr += d.toString();
  const m = stderr.match(/DevTools listening on (ws:\/\/\S+)/);
  if (m && !chrome.connected) {
    chrome.connected = true;
    run(m[1]).catch((e) => fail(e.message));
  }
});
chrome.on('exit', (code) => { if (!chrome.finished) fail(`chromium exited (${code}): ${stderr.slice(-500)}`); });

async function run(browserUrl) {
  // A page target: ask the browser endpoint for one.
  const bws = new WebSocket(browserUrl);
  await new Promise((res, rej) => { bws.on('open', res); bws.on('error', rej); });
  let id = 0;
  const pending = new Map();
  const listeners = [];
  bws.on('message', (raw) => {
    const msg = JSON.parse(raw.toString());
    if (msg.id && pending.has(msg.id)) {
      const {resolve, reject} = pending.get(msg.id);
      pending.delete(msg.id);
      msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
    } else if (msg.method) {
      for (const l of listeners) l(msg);
    }
  });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const m = {id: ++id, method, params};
    if (sessionId) m.sessionId = sessionId;
    pending.set(m.id, {resolve, reject});
    bws.send(JSON.stringify(m));
  });
  const {targetId} = await send('Target.createTarget', {url: 'about:blank'});
  const {sessionId} = await send('Target.attachToTarget', {targetId, flatten: true});
  const s = (method, params) => send(method, params, sessionId);
  const consoleErrors = [];
  const requests = [];
  let loaded;
  const loadedPromise = new Promise((res) => { loaded = res; });
  const fileUrl = 'file://' + path.resolve(htmlPath);
  listeners.push((msg) => {
    if (msg.sessionId !== sessionId) return;
    if (msg.method === 'Runtime.consoleAPICalled' && (msg.params.type === 'error' || msg.params.type === 'warning'))
      consoleErrors.push(msg.params.args.map((a) => a.value ?? a.description).join(' '));
    if (msg.method === 'Runtime.exceptionThrown') consoleErrors.push(msg.params.exceptionDetails.text);
    if (msg.method === 'Log.entryAdded' && (msg.params.entry.level === 'error' || msg.params.entry.level === 'warning'))
      consoleErrors.push(msg.params.entry.text + (msg.params.entry.url ? ' ' + msg.params.entry.url : ''));
    if (msg.method === 'Network.requestWillBeSent' && msg.params.request.url !== fileUrl)
      requests.push(msg.params.request.url);
    if (msg.method === 'Page.loadEventFired') loaded();
  });
  await s('Page.enable');
  await s('Runtime.enable');
  await s('Log.enable');
  await s('Network.enable');
  await s('Page.navigate', {url: fileUrl});
  await loadedPromise;
  const probe = `(() => {
    const q = (sel) => Array.from(document.querySelectorAll(sel));
    const v = document.getElementById('verdict');
    return JSON.stringify({
      title: document.title,
      verdict: v ? v.textContent : null,
      layer_bars: q('#layer-chart rect.layer-bar').length,
      worst_bars: q('#layer-chart rect.layer-bar.worst').length,
      impact_dots: q('#layer-chart circle.impact-dot').length,
      layer_names: q('#layer-chart rect.layer-bar').map((r) => r.getAttribute('data-layer')),
      causes: q('section.cause').map((c) => c.getAttribute('data-kind')),
      ruled_out: q('#ruled-out li').map((li) => li.getAttribute('data-kind')),
      histograms: q('figure.histogram').length,
      candidates: q('#preprocessing tr.candidate').length,
      confusion_rows: q('#confusion tr').length,
      schemes: q('#schemes tr.scheme').map((tr) => tr.cells[0].textContent),
      targets: q('#check tr.target').map((t) => t.getAttribute('data-target')),
      failing_targets: q('#check tr.target td.fails').map((td) => td.parentElement.getAttribute('data-target')),
      width: document.documentElement.scrollWidth,
      height: document.documentElement.scrollHeight,
    });
  })()`;
  const {result} = await s('Runtime.evaluate', {expression: probe, returnByValue: true});
  const dom = JSON.parse(result.value);
  const shot = await s('Page.captureScreenshot', {format: 'png', captureBeyondViewport: true});
  fs.writeFileSync(shotPath, Buffer.from(shot.data, 'base64'));
  chrome.finished = true;
  clearTimeout(timer);
  bws.close();
  const exited = new Promise((resolve) => {
    if (chrome.exitCode !== null || chrome.signalCode !== null) resolve();
    else chrome.once('exit', resolve);
  });
  killChrome();
  await exited;
  removeProfile();
  console.log(JSON.stringify({...dom, console_errors: consoleErrors, requests, screenshot_bytes: fs.statSync(shotPath).size}));
}
