// Driven by tests/e2e/test_web_browser.py: one JSON config line on stdin, then "NEED ..." requests
// on stdout answered by "OK" lines on stdin. Exits non-zero on any failed expectation.
'use strict';
const { chromium } = require('playwright-core');
const path = require('path');
const readline = require('readline');

const rl = readline.createInterface({ input: process.stdin });
const lines = [];
let waiter = null;
rl.on('line', (l) => { if (waiter) { const w = waiter; waiter = null; w(l); } else lines.push(l); });
const nextLine = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((r) => (waiter = r)));
// Starts the page's token sign-in without awaiting it in the page: the sign-in navigates, and an
// evaluate still waiting for its promise then fails with "Execution context was destroyed".
function signIn(p, token) {
  return p.evaluate((u) => { window.bittenSignIn(u); }, token);
}

async function need(what) { console.log('NEED ' + what); const ok = await nextLine(); if (ok !== 'OK') throw new Error('python said ' + ok); }
function expect(cond, msg) { if (!cond) throw new Error('expectation failed: ' + msg); console.log('ok - ' + msg); }

(async () => {
  const cfg = JSON.parse(await nextLine());
  const shot = (page, name) => page.screenshot({ path: path.join(cfg.artifacts, `web-${name}.png`), fullPage: true });
  const browser = await chromium.launch({
    executablePath: cfg.chromium, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],  // playwright gives every launch a fresh --user-data-dir itself
  });
  const url = (surface, p = '/') => `http://127.0.0.1:${cfg.ports[surface]}${p}`;
  try {
    // ---- the trader ----
    const trader = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await trader.newPage();
    page.on('pageerror', (e) => console.log('page error: ' + e.message));
    await page.goto(url('trader'));
    await page.waitForSelector('.login', { state: 'visible' });
    await shot(page, 'trader-signed-out');
    // Exactly what the Telegram Login Widget's callback does with its signed payload.
    await Promise.all([page.waitForNavigation(), signIn(page, cfg.alice)]);
    await page.waitForSelector('#who:has-text("alice")');
    await page.waitForSelector('#ws-state:has-text("live")');
    expect(true, 'trader signed in and the WebSocket is live');

    await need('signal SIG_BROWSER_1');
    await page.waitForSelector('#feed li[data-signal="SIG_BROWSER_1"]', { timeout: 10000 });
    expect(true, 'the signal arrived live over the WebSocket');
    await page.waitForSelector('[data-mission="M_SIG_BROWSER_1"]', { timeout: 10000 });
    expect(true, 'the mission was offered live');
    const missionCells = await page.$$eval('#missions td', (tds) => tds.map((t) => t.textContent.trim()));
    expect(missionCells.some((c) => /^1[45]m \d\ds$/.test(c)),
      'the mission shows the time it has left (15 min expiry): ' + missionCells.join(' | '));
    await shot(page, 'trader-live-signal');

    await page.click('#feed li[data-signal="SIG_BROWSER_1"]');
    await page.waitForSelector('#fire-button:not([disabled])', { timeout: 10000 });
    const verdict = await page.textContent('#verdict');
    expect(/All risk checks pass/.test(verdict), 'brief shows the risk checks passing: ' + verdict.trim());
    const lot = await page.textContent('#lot');
    expect(Number(lot) > 0, 'brief shows the lot: ' + lot);
    await page.waitForTimeout(300);  // let the chart draw for the screenshot
    await shot(page, 'trader-brief');
    await page.click('#fire-button');
    await page.waitForSelector('#fire-button:has-text("FIRED")', { timeout: 10000 });
    expect(/QUEUED/.test(await page.textContent('#fire-button')), 'fire answered QUEUED');
    await need('command');  // the EA (played by the python side) executes it and confirms
    await page.waitForSelector('#fires tr[data-fire] .state.FILLED', { timeout: 15000 });
    expect(true, 'my fires shows the fire FILLED, live');
    await shot(page, 'trader-fired');

    // ---- the admin halts trading ----
    const admin = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const throne = await admin.newPage();
    throne.on('dialog', (d) => d.accept());
    await throne.goto(url('throne'));
    await throne.waitForSelector('.login', { state: 'visible' });
    await Promise.all([throne.waitForNavigation(), signIn(throne, cfg.root)]);
    await throne.waitForSelector('#users table');
    await throne.waitForSelector('#halt-toggle:has-text("Halt all trading")');
    await shot(throne, 'throne');
    await throne.fill('#halt-reason', 'browser test halt');
    await throne.click('#halt-toggle');
    await throne.waitForSelector('#halt-banner.halt-banner', { timeout: 10000 });
    await throne.waitForSelector('#audit td:has-text("global_halt")', { timeout: 10000 });
    expect(true, 'admin halted trading and the audit log shows it');
    await shot(throne, 'throne-halted');

    // ---- the trader's next fire is refused ----
    await need('signal SIG_BROWSER_2');
    await page.waitForSelector('[data-mission="M_SIG_BROWSER_2"]', { timeout: 10000 });
    await page.click('#feed li[data-signal="SIG_BROWSER_2"]');
    await page.waitForSelector('#verdict.bad', { timeout: 10000 });
    const refused = await page.textContent('#verdict');
    expect(/global_halt/.test(refused), 'brief shows the halt: ' + refused.trim());
    const res = await page.evaluate(() => B.api('/api/fire', { method: 'POST', body: { mission_id: 'M_SIG_BROWSER_2', idempotency_key: 'after-halt' } }));
    expect(res.status === 422 && res.data.reason === 'global_halt', `a fire after the halt is refused (${res.status} ${res.data.reason})`);
    await page.waitForSelector('#halt:not([hidden])', { timeout: 20000 }).catch(() => {});
    await shot(page, 'trader-refused');

    // ---- the dashboards ----
    const tracking = await trader.newPage();
    await tracking.goto(url('tracking'));
    await tracking.waitForSelector('#signals td:has-text("EURUSD")', { timeout: 10000 });
    await shot(tracking, 'tracking');
    const confidence = await trader.newPage();
    await confidence.goto(url('confidence'));
    await confidence.waitForSelector('#calib-chart svg', { timeout: 10000 });
    await shot(confidence, 'confidence');
    expect(true, 'tracking and confidence pages render');
  } finally {
    await browser.close();
  }
  process.exit(0);
})().catch((e) => { console.log('FAIL ' + (e && e.stack || e)); process.exit(1); });
