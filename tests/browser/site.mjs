// Opens the built site in Debian's headless Chromium, as a reader would:
// dashboard -> document -> sidebar -> search in Chinese -> a result, plus
// the findings filter and the keyboard. Prints what it saw as JSON for
// tests/browser.rs to assert on. Usage: node site.mjs <site dir> [query]
import { chromium } from "playwright-core";

const dir = process.argv[2];
const query = process.argv[3] || "氨氮";
const url = (p) => "file://" + dir + "/" + p;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const out = { errors: [], external: [], dialogs: [] };
try {
  const page = await browser.newPage();
  page.on("console", (m) => { if (m.type() === "error") out.errors.push(m.text()); });
  page.on("pageerror", (e) => out.errors.push(String(e)));
  page.on("request", (r) => { if (!r.url().startsWith("file://")) out.external.push(r.url()); });
  // Any alert() means author text ran as script.
  page.on("dialog", async (d) => { out.dialogs.push(d.message()); await d.dismiss(); });

  // Dashboard, then follow the first document link.
  await page.goto(url("index.html"));
  out.dashboardTitle = await page.title();
  out.lang = await page.getAttribute("html", "lang");
  await page.keyboard.press("Tab");
  out.firstTab = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
  await Promise.all([page.waitForLoadState(), page.click("table.docs tbody a")]);
  out.docUrl = decodeURIComponent(page.url());
  out.docH1 = await page.textContent("h1");

  // The sidebar: jump to the second top-level section.
  await page.click('nav.toc a[href="#s2"]');
  out.hash = new URL(page.url()).hash;
  out.s2Heading = await page.textContent("#s2 h2");
  out.s2InView = await page.evaluate(() => {
    const r = document.getElementById("s2").getBoundingClientRect();
    return r.top >= -2 && r.top < window.innerHeight;
  });

  // Search in Chinese, then open the first result.
  await page.goto(url("search.html"));
  await page.fill("#q", query);
  await page.waitForSelector("#results li", { timeout: 5000 });
  out.results = await page.$$eval("#results li", (lis) => lis.map((li) => ({
    title: li.querySelector("a").textContent,
    href: li.querySelector("a").getAttribute("href"),
    marks: Array.from(li.querySelectorAll("mark")).map((m) => m.textContent),
  })));
  await Promise.all([page.waitForLoadState(), page.click("#results li a")]);
  out.resultUrl = decodeURIComponent(page.url());

  // A search given in the URL (the box in the page header submits this way).
  await page.goto(url("search.html?q=" + encodeURIComponent(query)));
  out.urlQueryResults = await page.$$eval("#results li", (lis) => lis.length);

  // The findings filter.
  await page.goto(url("findings.html"));
  out.findingRows = await page.$$eval(".findings-table tbody tr", (rows) => rows.length);
  await page.selectOption("#f-severity", "error");
  out.infoRowsShown = await page.$$eval(".findings-table tbody tr:not([hidden])", (rows) => rows.length);
  out.errorRowsAllErrors = await page.$$eval(".findings-table tbody tr:not([hidden])", (rows) => rows.every((r) => r.dataset.severity === "error"));
} catch (e) {
  out.failure = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
