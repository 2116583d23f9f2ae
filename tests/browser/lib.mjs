// What the browser scripts share: Debian's Chromium under the portal's own
// headers (its Content-Security-Policy included), a screenshot, an axe-core
// run and a keyboard walk for each page, what a screen reader is told about
// the focused field, and an authenticator app's arithmetic.
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import { createHmac } from "node:crypto";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
// Evaluated through the DevTools protocol, which the page's CSP does not
// govern: the page itself runs under its real policy.
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// `proofOfWork`: let the reset's proof of work run, under the portal's own
// CSP, with the CAPTCHA's image blocked (a person who cannot use it);
// otherwise the script is blocked, as in a browser without JavaScript's
// WebCrypto, and the image path is what runs.
// `locale`: the browser's language (its Accept-Language); `width`: the
// viewport's, 412 px (a large phone) unless told.
export async function open(shots, { proofOfWork = false, locale = "en-US", width = 412 } = {}) {
  mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run"],
  });
  // Never bypassCSP: a test that lifts the policy cannot see what it blocks
  // (the live checklist was once dead behind it, and no test noticed).
  const context = await browser.newContext({ viewport: { width, height: 915 }, locale });
  if (proofOfWork) {
    await context.route("**/reset/captcha.png*", (route) => route.abort());
  } else {
    await context.route("**/static/pow.js", (route) => route.abort());
  }
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  const cdp = await context.newCDPSession(page);
  // A script that stops on an exception still tells what it found before.
  process.on("uncaughtException", async (error) => {
    console.error(problems.concat(`stopped: ${error.stack ?? error}`).join("\n"));
    await page.screenshot({ path: `${shots}/stopped.png`, fullPage: true }).catch(() => {});
    process.exit(1);
  });
  let step = 0;

  // Checks the page's heading, screenshots it, runs axe-core on it and
  // walks it with the keyboard; the focus is where the page put it after.
  async function checkPage(name, expectedHeading) {
    const heading = (await page.textContent("h1")).trim();
    if (heading !== expectedHeading) throw new Error(`${name}: heading "${heading}", expected "${expectedHeading}"`);
    // Chromium moves the focus to an `autofocus` field once the page is drawn.
    await page.waitForFunction(() => {
      const wanted = document.querySelector("[autofocus]");
      return !wanted || document.activeElement === wanted;
    }, null, { timeout: 5000 }).catch(() => problems.push(`${name}: the autofocus field never got the focus`));
    await screenshot(name);
    await keyboardWalk(name);
    if (!(await page.evaluate(() => window.axe !== undefined))) await page.evaluate(axeSource);
    const result = await page.evaluate(async () => await window.axe.run(document));
    for (const v of result.violations) {
      if (v.impact === "serious" || v.impact === "critical") {
        problems.push(`${name}: axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
      }
    }
    console.log(`ok ${step} ${name}: ${result.violations.length} axe findings, none serious or critical unless listed`);
  }

  // Tabs through every stop of the page until the focus comes round again
  // (no trap), and checks each stop shows where it is: visible, with a focus
  // outline of 3:1 or more against what surrounds it (WCAG 2.2 1.4.11).
  async function keyboardWalk(name) {
    const start = await page.evaluateHandle(() => document.activeElement);
    const seen = [];
    for (let press = 0; press < 120; press++) {
      await page.keyboard.press("Tab");
      const stop = await page.evaluate(focusReport);
      if (stop === null) continue; // the page itself, between the last stop and the first
      if (seen.includes(stop.key)) break;
      seen.push(stop.key);
      if (!stop.visible) problems.push(`${name}: ${stop.what} has the focus but cannot be seen`);
      if (!(stop.contrast >= 3)) {
        problems.push(`${name}: ${stop.what}'s focus indicator has ${stop.contrast.toFixed(2)}:1 against its background (3:1 needed)`);
      }
    }
    if (seen.length === 0) problems.push(`${name}: the keyboard reaches nothing`);
    else if (seen.length >= 120) problems.push(`${name}: the focus never came round again`);
    await start.evaluate((element) => element && element !== document.body && element.focus());
  }

  // What a screen reader says of the focused element, from Chromium's own
  // accessibility tree: its role, name, description and whether invalid.
  async function focused() {
    const { result } = await cdp.send("Runtime.evaluate", { expression: "document.activeElement" });
    const { nodes } = await cdp.send("Accessibility.getPartialAXTree", { objectId: result.objectId, fetchRelatives: false });
    const node = nodes[0] ?? {};
    const property = (wanted) => node.properties?.find((p) => p.name === wanted)?.value?.value;
    return {
      id: await page.evaluate(() => document.activeElement?.id ?? ""),
      role: node.role?.value ?? "",
      name: node.name?.value ?? "",
      description: node.description?.value ?? "",
      invalid: property("invalid") ?? "false",
    };
  }

  // A refused form, as a screen reader meets it: the title says there is an
  // error, and the focus is on the field `fieldId`, marked invalid and
  // described by the error (a present-at-load alert is often skipped).
  async function expectErrorOn(name, fieldId, errorSelector = "#form-error") {
    const words = (text) => text.replace(/\s+/g, " ").trim();
    const said = words(await page.textContent(errorSelector)).slice(0, 30);
    const title = await page.title();
    if (!title.startsWith("Error: ")) problems.push(`${name}: the title "${title}" does not say there is an error`);
    const field = await focused();
    if (field.id !== fieldId) problems.push(`${name}: the focus is on "${field.id}", not "${fieldId}"`);
    if (field.invalid === "false") problems.push(`${name}: "${field.id}" is not marked invalid`);
    if (!words(field.description).includes(said)) {
      problems.push(`${name}: "${field.id}" is described as "${field.description}", not by the error "${said}"`);
    }
    return field;
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

  return { browser, context, page, checkPage, screenshot, finish, focused, expectErrorOn, problems };
}

// In the page: the focused element, a key naming it for this walk, whether
// it is on screen, and its focus outline's contrast with the background
// behind the outline (the nearest ancestor that paints one).
function focusReport() {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) return null;
  window.walkKeys ??= new WeakMap();
  if (!window.walkKeys.has(element)) {
    window.walkCount = (window.walkCount ?? 0) + 1;
    window.walkKeys.set(element, window.walkCount);
  }
  const key = window.walkKeys.get(element);
  const rgba = (colour) => {
    const parts = (colour.match(/rgba?\(([^)]*)\)/)?.[1] ?? "0 0 0 0").split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  let behind = { r: 255, g: 255, b: 255, a: 1 };
  for (let node = element.parentElement; node; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour.a > 0) { behind = colour; break; }
  }
  const luminance = ({ r, g, b }) => {
    const linear = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  const style = getComputedStyle(element);
  const width = style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth);
  const [light, dark] = [luminance(rgba(style.outlineColor)), luminance(behind)].sort((x, y) => y - x);
  const shown = element.getBoundingClientRect();
  return {
    key,
    what: `<${element.tagName.toLowerCase()}${element.id ? " id=" + element.id : ""}> "${(element.textContent || element.getAttribute("aria-label") || "").trim().slice(0, 40)}"`,
    visible: shown.width > 0 && shown.height > 0 && shown.right > 0 && shown.left < innerWidth && shown.bottom > 0 && shown.top < innerHeight,
    contrast: width >= 2 ? (light + 0.05) / (dark + 0.05) : 0,
  };
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
