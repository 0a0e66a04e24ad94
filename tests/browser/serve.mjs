// A page served by `shenbao serve` in Debian's headless Chromium: it must
// reload by itself after an edit (keeping its scroll position), show the
// overlay while the front matter is broken and drop it when fixed, and a
// PDF preview page must refresh its PDF after the print. Prints what it saw
// as JSON for tests/browser.rs. Usage: node serve.mjs <base url> <md file>
import { chromium } from "playwright-core";
import { readFile, writeFile, rename } from "node:fs/promises";

const base = process.argv[2];
const md = process.argv[3];
const page_ = "docs/" + encodeURIComponent("伏牛经开区试点实施方案") + ".html";
const pdf = "pdf/伏牛经开区试点实施方案.pdf";

// Save as editors do: a temporary file renamed over the original.
async function save(text) {
  const tmp = md.replace(/[^/]+$/, ".shenbao-test.tmp");
  await writeFile(tmp, text);
  await rename(tmp, md);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const out = { errors: [], external: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on("console", (m) => { if (m.type() === "error") out.errors.push(m.text()); });
  page.on("pageerror", (e) => out.errors.push(String(e)));
  page.on("request", (r) => { if (!r.url().startsWith(base)) out.external.push(r.url()); });

  await page.goto(base + "/" + page_);
  // The reload channel is open once the hello has been handled.
  await page.waitForFunction(() => performance.getEntriesByType("resource")
    .some((r) => r.name.includes("/__shenbao/live.js")));
  await page.waitForTimeout(300);
  out.pdfLink = await page.getAttribute("a.button", "href");

  // Scroll down, then edit: the page reloads by itself, at the same place.
  await page.evaluate(() => document.getElementById("s5").scrollIntoView());
  out.scrollBefore = await page.evaluate(() => Math.round(window.scrollY));
  out.s5TopBefore = await page.evaluate(() => Math.round(document.getElementById("s5").getBoundingClientRect().top));
  const good = await readFile(md, "utf8");
  let loaded = page.waitForEvent("load", { timeout: 30000 });
  await save(good.replace("氨氮", "氨氮（浏览器里看到了）"));
  await loaded;
  await page.waitForFunction(() => document.body.textContent.includes("浏览器里看到了"), null, { timeout: 30000 });
  await page.waitForTimeout(200);
  out.reloadedText = true;
  out.scrollAfter = await page.evaluate(() => Math.round(window.scrollY));
  out.s5TopAfter = await page.evaluate(() => Math.round(document.getElementById("s5").getBoundingClientRect().top));

  // Break the front matter: the overlay appears over the last good page.
  await save(good.replace("kind: pilot-plan\n", "kind: pilot-plan\ntitle: [未闭合\n"));
  await page.waitForSelector("#shenbao-overlay", { timeout: 30000 });
  out.overlay = await page.textContent("#shenbao-overlay");
  out.overlayRole = await page.getAttribute("#shenbao-overlay", "role");
  out.stillShowsLastGood = await page.evaluate(() => document.body.textContent.includes("浏览器里看到了"));

  // Fix it: the overlay goes, the page shows the fixed text.
  loaded = page.waitForEvent("load", { timeout: 30000 });
  await save(good.replace("氨氮", "氨氮（修好了）"));
  await loaded;
  await page.waitForFunction(() => document.body.textContent.includes("修好了"), null, { timeout: 30000 });
  await page.waitForTimeout(300);
  out.overlayAfterFix = await page.$("#shenbao-overlay") !== null;

  // Search over HTTP fetches each document's data: it finds the edit,
  // and no global variable of the page holds the drafts.
  const search = await browser.newPage();
  search.on("console", (m) => { if (m.type() === "error") out.errors.push(m.text()); });
  search.on("pageerror", (e) => out.errors.push(String(e)));
  await search.goto(base + "/search.html?q=" + encodeURIComponent("修好了"));
  await search.waitForFunction(() => document.querySelectorAll("#results li").length > 0, null, { timeout: 10000 })
    .catch(() => {});
  out.searchResults = await search.evaluate(() => document.querySelectorAll("#results li").length);
  out.searchGlobal = await search.evaluate(() => typeof window.SHENBAO_SEARCH);

  // The PDF preview page swaps in the new PDF after the print.
  const preview = await browser.newPage();
  preview.on("pageerror", (e) => out.errors.push(String(e)));
  await preview.goto(base + "/__shenbao/preview?pdf=" + encodeURIComponent(pdf));
  await preview.waitForTimeout(300);
  out.frameBefore = await preview.getAttribute("#shenbao-pdf", "src");
  await save(good.replace("氨氮", "氨氮（PDF 也更新了）"));
  await preview.waitForFunction((before) => document.getElementById("shenbao-pdf").getAttribute("src") !== before,
    out.frameBefore, { timeout: 60000 });
  out.frameAfter = await preview.getAttribute("#shenbao-pdf", "src");
  out.frameStatus = await preview.textContent("#shenbao-pdf-status");
} catch (e) {
  out.failure = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
