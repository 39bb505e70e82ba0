// Audits pages with the pinned Lighthouse in one Chrome, one page after the other.
//   CHROME_PATH=/usr/bin/chromium node audit.mjs REPORT.json URL...
// REPORT.json: {url: {"scores": {category: score}, "failed": [{id, title, score, details}]}}.
// Chrome is started once (headless; --no-sandbox when run as root, as on CI).
import fs from 'node:fs';
import process from 'node:process';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [out, ...urls] = process.argv.slice(2);
if (!out || urls.length === 0) {
  console.error('usage: node audit.mjs REPORT.json URL...');
  process.exit(2);
}
const chromeFlags = ['--headless=new', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
if (process.getuid && process.getuid() === 0) chromeFlags.push('--no-sandbox');
const chrome = await chromeLauncher.launch({chromeFlags});
const report = {};
try {
  // A browser that has just started does everything for the first time (its
  // renderer, the fonts), and so does Lighthouse's first run beside it: the
  // first audit showed that start-up as blocking time (performance 0.99 on the
  // first page only), which no reader's browser has.  Load every page once
  // first, and rehearse the first audit (its result is not kept).
  const browser = await puppeteer.connect({browserURL: `http://127.0.0.1:${chrome.port}`});
  const tab = await browser.newPage();
  for (const url of urls) await tab.goto(url, {waitUntil: 'load'});
  await tab.close();
  await browser.disconnect();
  // No full-page screenshot: it only illustrates the HTML report (no audit
  // reads it) and takes a second a page.
  const settings = {port: chrome.port, output: 'json', logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'], disableFullPageScreenshot: true};
  await lighthouse(urls[0], settings);
  for (const url of urls) {
    const result = await lighthouse(url, settings);
    const lhr = result.lhr;
    const scores = {};
    const failed = [];
    for (const [id, category] of Object.entries(lhr.categories)) {
      scores[id] = category.score;
      for (const ref of category.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          failed.push({category: id, id: ref.id, title: audit.title, score: audit.score,
            displayValue: audit.displayValue || '', details: audit.details && audit.details.items
              ? audit.details.items.slice(0, 5) : null});
        }
      }
    }
    report[url] = {scores, failed, runtimeError: lhr.runtimeError || null,
      finalUrl: lhr.finalDisplayedUrl, lighthouseVersion: lhr.lighthouseVersion};
  }
} finally {
  await chrome.kill();
}
fs.writeFileSync(out, JSON.stringify(report, null, 1));
