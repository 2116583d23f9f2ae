// What the browser scripts share: Debian's Chromium, a screenshot and an
// axe-core run for each page, and an authenticator app's arithmetic.
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { createHmac } from "node:crypto";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");

// `proofOfWork`: let the reset's proof of work run, under the portal's own
// CSP, with the CAPTCHA's image blocked (a person who cannot use it);
// otherwise the script is blocked, as in a browser without JavaScript's
// WebCrypto, and the image path is what runs.
export async function open(shots, { proofOfWork = false } = {}) {
  mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run"],
  });
  // axe is injected as a script; the portal's CSP (rightly) forbids that, so
  // the test context bypasses it. The portal's own script runs under the CSP.
  const context = await browser.newContext({ bypassCSP: !proofOfWork, viewport: { width: 412, height: 915 } });
  if (proofOfWork) {
    await context.route("**/reset/captcha.png*", (route) => route.abort());
  } else {
    await context.route("**/static/pow.js", (route) => route.abort());
  }
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  let step = 0;

  // Checks the page's heading, screenshots it, and runs axe-core on it.
  async function checkPage(name, expectedHeading) {
    const heading = (await page.textContent("h1")).trim();
    if (heading !== expectedHeading) throw new Error(`${name}: heading "${heading}", expected "${expectedHeading}"`);
    await screenshot(name);
    // Under the portal's own CSP axe cannot be injected: its pages are
    // checked by the other scripts, this run checks the CSP holds.
    if (proofOfWork) return;
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () => await window.axe.run(document));
    for (const v of result.violations) {
      if (v.impact === "serious" || v.impact === "critical") {
        problems.push(`${name}: axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
      }
    }
    console.log(`ok ${step} ${name}: ${result.violations.length} axe findings, none serious or critical unless listed`);
  }

  async function screenshot(name) {
    step += 1;
    await page.screenshot({ path: `${shots}/${String(step).padStart(2, "0")}-${name}.png`, fullPage: true });
  }

  // Closes the browser; exits non-zero if anything went wrong on the way.
  async function finish(message) {
    await browser.close();
    if (problems.length > 0) {
      console.error(problems.join("\n"));
      process.exit(1);
    }
    console.log(message);
  }

  return { browser, context, page, checkPage, screenshot, finish };
}

// RFC 6238 with SHA-1, 6 digits, 30-second steps: what an authenticator app
// shows at `unixSeconds` for a base32 secret.
export function totp(base32Secret, unixSeconds) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32Secret.replace(/[\s=]/g, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, "0");
}
