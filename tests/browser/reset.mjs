// A person resets their password by text message, in headless Chromium:
// every step by clicks and keys, a screenshot of each, and axe-core on each
// page (no serious or critical violation). Run by crates/latchkey/tests/it/browser.rs:
//
//   node reset.mjs BASE_URL CAPTCHA_ANSWER SCREENSHOT_DIR
//
// BASE_URL serves the portal plus the test-only /test/latest-code.
import { open } from "./lib.mjs";

const [base, answer, shots] = process.argv.slice(2);
const { context, page, checkPage, screenshot, finish } = await open(shots);

await page.goto(`${base}/reset`);
await checkPage("identify", "Reset your password");
await page.getByLabel("Your university email or username").fill("ada@example.edu");
await page.keyboard.press("Enter");

await page.waitForSelector("img.captcha");
await checkPage("captcha", "Type the characters you see");
await page.getByLabel("Characters", { exact: true }).fill(answer.toLowerCase());
await page.getByRole("button", { name: "Continue" }).click();

await checkPage("method", "How should we send your code?");
await page.getByLabel(/Text a code to/).check();
await page.getByRole("button", { name: "Send the code" }).click();

await checkPage("code", "Enter your code");
const code = (await (await fetch(`${base}/test/latest-code`)).text()).trim();
await page.getByLabel("Code", { exact: true }).fill(code);
await page.getByRole("button", { name: "Verify" }).click();

await checkPage("password", "Choose a new password");
// The live checklist marks rules as they are met.
await page.getByLabel("New password").pressSequentially("lovelace", { delay: 20 });
await page.waitForSelector('li[data-rule="contains_name"].unmet');
await page.getByLabel("New password").fill("");
// Emptied, the field meets and breaks nothing: no line stays marked.
await page.waitForFunction(() => !document.querySelector("#rules li.met, #rules li.unmet"));
await page.getByLabel("New password").pressSequentially("Nw4%jxrQ", { delay: 20 });
await page.waitForSelector('li[data-rule="min_length"].met');
await page.waitForSelector('li[data-rule="contains_name"].met');
// A confirmation that strays is flagged as it is typed, and cleared once it matches.
await page.getByLabel("Type it again").pressSequentially("Nw5", { delay: 20 });
await page.waitForFunction(() => document.getElementById("confirm-status").textContent.includes("do not match"));
await page.getByLabel("Type it again").fill("Nw4%jxrQ");
await page.waitForFunction(() => document.getElementById("confirm-status").textContent === "");
await page.waitForFunction(() => document.getElementById("rules-status").textContent.includes("both passwords match"));
await screenshot("password-live");
await page.getByRole("button", { name: "Change my password" }).click();

await checkPage("done", "Your password is changed");

// Someone the portal cannot help online: the help desk page, checked too.
await page.getByRole("button", { name: "Start a new reset" }).click();
await page.getByLabel("Your university email or username").fill("nobody@example.edu");
await page.getByRole("button", { name: "Continue" }).click();
await page.getByLabel("Characters", { exact: true }).fill(answer);
await page.getByRole("button", { name: "Continue" }).click();
await checkPage("help", "We cannot reset this password online");

// A form whose session is gone (cookie cleared): the expired page.
await context.clearCookies();
await page.goto(`${base}/reset`);
await context.clearCookies();
await page.getByLabel("Your university email or username").fill("ada");
await page.getByRole("button", { name: "Continue" }).click();
await checkPage("expired", "This page has expired");
await finish("the reset by text message completed in Chromium");
