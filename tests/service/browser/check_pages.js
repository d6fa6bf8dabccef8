// Drives Debian's chromium through the auditor's pages and prints what it saw as one JSON
// object; the GoogleTest side (tests/service/web_browser_test.cpp) asserts on it.
// Usage: node check_pages.js PLAN.json   (PLAN: see web_browser_test.cpp)
'use strict';
const fs = require('fs');
const path = require('path');

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { chromium } = require(plan.playwright);
const seen = { searches: {}, consoleErrors: [], keyboard: {} };

async function rows(page) {
  return page.$$eval('#results tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.seq)));
}

// Tabs through the page from the top; returns the controls Tab never reached.
async function unreachable(page) {
  const total = await page.evaluate(() => {
    const controls = document.querySelectorAll(
      'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])');
    controls.forEach((c, i) => { c.dataset.k = String(i); });
    document.activeElement && document.activeElement.blur();
    return controls.length;
  });
  const reached = new Set();
  for (let i = 0; i < total + 5; i++) {
    await page.keyboard.press('Tab');
    const k = await page.evaluate(() => (document.activeElement && document.activeElement.dataset.k) || '');
    if (k) reached.add(k);
  }
  return page.evaluate((got) => Array.from(document.querySelectorAll('[data-k]'))
    .filter((c) => !got.includes(c.dataset.k))
    .map((c) => c.tagName + '#' + (c.id || c.name || c.textContent.trim().slice(0, 30))), Array.from(reached));
}

async function verifyOn(page, base, seq, pem, name, witnesses, decisionKey) {
  await page.goto(base + '/ui/entries/' + seq);
  await page.fill('#log-key', pem);
  await page.fill('#witness-keys', witnesses || '');
  await page.fill('#decision-key', decisionKey || '');
  await page.click('#verify-button');
  await page.waitForSelector('#verify-result[data-outcome]', { timeout: 10000 });
  await page.screenshot({ path: path.join(plan.screenshots, name + '.png'), fullPage: true });
  return page.$eval('#verify-result', (e) => ({ outcome: e.dataset.outcome, text: e.textContent }));
}

(async () => {
  const browser = await chromium.launch({
    executablePath: plan.chromium, headless: true, timeout: 20000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    context.setDefaultTimeout(10000);
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') seen.consoleErrors.push(page.url() + ': ' + m.text()); });
    page.on('pageerror', (e) => seen.consoleErrors.push(page.url() + ': ' + e.message));

    // Search through the form, as an auditor types it.
    for (const search of plan.searches) {
      await page.goto(plan.base + '/ui/');
      for (const [field, value] of Object.entries(search.fields)) {
        if (field === 'verdict') await page.selectOption('#f-verdict', value);
        else await page.fill('#f-' + field, value);
      }
      await Promise.all([page.waitForNavigation(), page.click('#search')]);
      seen.searches[search.name] = await rows(page);
    }
    await page.goto(plan.base + '/ui/?limit=2');
    seen.page1 = await rows(page);
    await Promise.all([page.waitForNavigation(), page.click('#next-page')]);
    seen.page2 = await rows(page);
    await page.goto(plan.base + '/ui/?repository=' + encodeURIComponent(plan.hostileRepository));
    seen.hostileCell = await page.$eval('#results tbody tr td:nth-child(3)', (td) => td.textContent);
    seen.hostileScripts = await page.$$eval('main script', (s) => s.length);
    await page.goto(plan.base + '/ui/');
    await page.screenshot({ path: path.join(plan.screenshots, 'search.png'), fullPage: true });
    seen.keyboard.search = await unreachable(page);

    // One decision: findings and waivers as the page shows them.
    await page.goto(plan.base + '/ui/entries/' + plan.decisionSeq);
    seen.decision = {
      rules: await page.$$eval('#rules tbody tr', (trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent))),
      waivers: await page.$$eval('#waivers tbody tr', (trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent))),
      runLink: await page.$eval('#run-link', (a) => a.href),
    };
    await page.screenshot({ path: path.join(plan.screenshots, 'decision.png'), fullPage: true });
    seen.keyboard.decision = await unreachable(page);

    seen.verified = await verifyOn(page, plan.base, plan.decisionSeq, plan.logKey, 'verify-pass', '', plan.decisionKey);
    seen.wrongDecisionKey = await verifyOn(page, plan.base, plan.decisionSeq, plan.logKey, 'verify-wrong-decision-key', '', plan.otherDecisionKey);
    seen.tampered = await verifyOn(page, plan.tamperBase, plan.tamperSeq, plan.logKey, 'verify-tampered');
    seen.wrongKey = await verifyOn(page, plan.base, plan.decisionSeq, plan.otherKey, 'verify-wrong-key');
    seen.witnessed = await verifyOn(page, plan.cosignBase, plan.decisionSeq, plan.logKey, 'verify-witnessed', plan.witnessKey);
    seen.unwitnessed = await verifyOn(page, plan.base, plan.decisionSeq, plan.logKey, 'verify-unwitnessed', plan.witnessKey);

    await page.goto(plan.base + '/ui/health');
    seen.health = { size: await page.$eval('#size', (e) => e.textContent), origin: await page.$eval('#origin', (e) => e.textContent) };
    // The witnesses table: one array of cell texts a witness.
    seen.health.witnesses = await page.$$eval('#witnesses tbody tr', (trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent)));
    await page.screenshot({ path: path.join(plan.screenshots, 'health.png'), fullPage: true });
    seen.keyboard.health = await unreachable(page);

    await page.goto(plan.base + '/ui/dashboard');
    const bars = (id) => page.$$eval('#' + id + ' g.bar', (gs) => Object.fromEntries(gs.map((g) => [g.dataset.label, Number(g.dataset.value)])));
    const shownNumber = (id) => page.$$eval('#' + id + ' g.bar', (gs) => gs.map((g) => g.querySelectorAll('text')[1].textContent));
    seen.dashboard = {
      failingRules: await bars('failing-rules'),
      failingRulesLabels: await shownNumber('failing-rules'),
      perIdentity: await bars('per-identity'),
      passFail: await page.$$eval('svg.passfail', (svgs) => Object.fromEntries(svgs.map((s) => [s.dataset.repository,
        Object.fromEntries(Array.from(s.querySelectorAll('g.day'), (g) => [g.dataset.day, [Number(g.dataset.pass), Number(g.dataset.fail)]]))]))),
      blocked: await page.$$eval('#blocked tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent + ' ' + tr.cells[1].textContent)),
      waiverCounts: await page.$eval('#waiver-counts', (e) => e.textContent),
      median: await page.$eval('#median-time-to-pass', (e) => e.textContent),
    };
    await page.screenshot({ path: path.join(plan.screenshots, 'dashboard.png'), fullPage: true });
    seen.keyboard.dashboard = await unreachable(page);

    // Inventory: every dataset and model with its latest decision, the kind filter through the
    // form, and a row's link to that decision.
    await page.goto(plan.base + '/ui/inventory');
    const inventoryRows = () => page.$$eval('table.inventory tbody tr', (trs) => trs.map((tr) => [
      tr.closest('table').dataset.repository, tr.dataset.kind, tr.dataset.path, Number(tr.dataset.seq),
      tr.cells[7].querySelector('span').textContent, tr.cells[8].textContent]));
    seen.inventory = { all: await inventoryRows(), scripts: await page.$$eval('main script, main img', (s) => s.length) };
    await page.screenshot({ path: path.join(plan.screenshots, 'inventory.png'), fullPage: true });
    seen.keyboard.inventory = await unreachable(page);
    await page.selectOption('#i-kind', 'model');
    await Promise.all([page.waitForNavigation(), page.click('#filter')]);
    seen.inventory.models = await inventoryRows();
    await Promise.all([page.waitForNavigation(), page.click('table.inventory tbody tr a[href^="/ui/entries/"]')]);
    seen.inventory.followed = new URL(page.url()).pathname;
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(seen) + '\n');
})().catch((e) => {
  process.stderr.write('check_pages.js: ' + (e && e.stack || e) + '\n');
  process.stdout.write(JSON.stringify(seen) + '\n');
  process.exit(1);
});
