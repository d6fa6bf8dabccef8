// A browser against `gate log serve` with read_tokens: no login is refused with the Basic
// challenge (the native prompt), the prompt's answer (any user, the read token as password) opens
// the pages, and the in-browser verification's own fetches of /v1/ pass with the same login.
// Prints what it saw as one JSON object for tests/service/read_access_test.cpp.
// Usage: node check_read_access.js PLAN.json
'use strict';
const fs = require('fs');
const path = require('path');

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { chromium } = require(plan.playwright);
const seen = { consoleErrors: [] };

async function opened(browser, credentials, url) {
  const context = await browser.newContext(credentials ? { httpCredentials: credentials } : {});
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const response = await page.goto(url);
  return { context, page, status: response.status(), challenge: response.headers()['www-authenticate'] || '' };
}

(async () => {
  const browser = await chromium.launch({
    executablePath: plan.chromium, headless: true, timeout: 20000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    // Without a login: what the browser is answered before its prompt (headless chromium has no
    // prompt to show, so the answer is read through the context's own request client).
    const anonymous = await browser.newContext();
    const answer = await anonymous.request.get(plan.base + '/ui/health');
    seen.anonymous = { status: answer.status(), challenge: answer.headers()['www-authenticate'] || '' };
    await anonymous.close();

    // A refused login: chromium gives up on the page (ERR_INVALID_AUTH_CREDENTIALS) or shows the 401.
    try {
      const wrong = await opened(browser, { username: 'auditor', password: 'not-the-token' }, plan.base + '/ui/health');
      seen.wrong = { status: wrong.status };
      await wrong.context.close();
    } catch (e) {
      seen.wrong = { error: String(e.message).split('\n')[0] };
    }

    const login = await opened(browser, { username: 'auditor', password: plan.readToken }, plan.base + '/ui/health');
    const page = login.page;
    page.on('console', (m) => { if (m.type() === 'error') seen.consoleErrors.push(page.url() + ': ' + m.text()); });
    seen.login = { status: login.status, size: await page.$eval('#size', (e) => e.textContent) };
    await page.goto(plan.base + '/ui/entries/' + plan.decisionSeq);
    await page.fill('#log-key', plan.logKey);
    await page.click('#verify-button');
    await page.waitForSelector('#verify-result[data-outcome]', { timeout: 10000 });
    seen.verified = await page.$eval('#verify-result', (e) => ({ outcome: e.dataset.outcome, text: e.textContent }));
    await page.screenshot({ path: path.join(plan.screenshots, 'verify-with-read-token.png'), fullPage: true });
    await login.context.close();
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(seen) + '\n');
})().catch((e) => {
  process.stderr.write('check_read_access.js: ' + (e && e.stack || e) + '\n');
  process.stdout.write(JSON.stringify(seen) + '\n');
  process.exit(1);
});
