// The OpenRCM web application in a real browser (headless Chromium driven by playwright-core):
// sign in, register a patient, add a coverage, start an encounter, code it with the live code
// search, see the scrubber's findings live and after saving, fix them, mark the claim ready,
// write a batch, download its 837P and validate it with pyx12; then get paid: upload the 999,
// the 277CA and the 835 (and the same 835 again, and an unbalanced one), check the balances, the
// reports and the work queue; sign out.
//
// Run by scripts/test-browser.sh, which starts `rcm serve --demo` and sets:
//   RCM_BASE_URL       http://127.0.0.1:PORT of the running server
//   RCM_DEMO_PASSWORD  the demo users' password
//   RCM_X12VALID       pyx12's x12valid
//   RCM_ARTIFACTS      where screenshots (and, on a failure, the page's HTML) go
//   RCM_CHROMIUM       the Chromium binary (default /usr/bin/chromium)
//   RCM_BIN            the rcm binary (writes the clearinghouse's 999 for the downloaded 837P)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = required("RCM_BASE_URL").replace(/\/$/, "");
const PASSWORD = required("RCM_DEMO_PASSWORD");
const X12VALID = process.env.RCM_X12VALID || path.join(here, "../../.venv/bin/x12valid");
const ARTIFACTS = process.env.RCM_ARTIFACTS || path.join(here, "artifacts");
const CHROMIUM = process.env.RCM_CHROMIUM || "/usr/bin/chromium";
const RCM = required("RCM_BIN");
const STEP_TIMEOUT = 15_000;
// A past date of service (and a coverage that covers it).
const SERVICE_DATE = "2026-11-02";
const COVERAGE_FROM = "2026-01-01";

function required(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set: run scripts/test-browser.sh`);
    process.exit(2);
  }
  return v;
}

/// One interchange around one transaction set (the segments between ST and SE).
function x12File(functional, set, version, control, segments) {
  const c9 = String(control).padStart(9, "0");
  return (
    `ISA*00*          *00*          *ZZ*DEMOCLEARING   *ZZ*RIVERSIDEFM    *261124*1200*^*00501*${c9}*0*T*:~` +
    `GS*${functional}*DEMOCLEARING*RIVERSIDEFM*20261124*1200*${control}*X*${version}~` +
    `ST*${set}*0001*${version}~` +
    segments.map((s) => `${s}~`).join("") +
    `SE*${segments.length + 2}*0001~GE*1*${control}~IEA*1*${c9}~`
  );
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

test("OpenRCM in the browser: patient to 837P to payment", { timeout: 180_000 }, async (t) => {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });

  // Playwright gives the browser a fresh temporary profile (--user-data-dir) and removes it.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  const context = await browser.newContext({
    baseURL: BASE,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();

  // Any script error on any page fails the run. (Chromium also logs every 4xx answer as a
  // console error: the refused sign-in, the 422 form, /favicon.ico; those are not script errors.)
  const scriptErrors = [];
  page.on("pageerror", (e) => scriptErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) scriptErrors.push(`console: ${m.text()}`);
  });

  let failed = false;
  let n = 0;
  async function step(name, fn) {
    n += 1;
    const label = `${String(n).padStart(2, "0")} ${name}`;
    await t.test(label, { skip: failed && "an earlier step failed" }, async () => {
      try {
        await fn();
        assert.deepEqual(scriptErrors, [], "script errors on the page");
      } catch (e) {
        failed = true;
        const base = path.join(ARTIFACTS, `failure-${label.replace(/[^a-z0-9]+/gi, "-")}`);
        try {
          await page.screenshot({ path: `${base}.png`, fullPage: true });
          writeFileSync(`${base}.html`, `<!-- ${page.url()} -->\n` + (await page.content()));
          console.error(`# saved ${base}.png and ${base}.html (page ${page.url()})`);
        } catch (shotErr) {
          console.error(`# could not save the page: ${shotErr}`);
        }
        throw e;
      }
    });
  }

  // POSTs a form by clicking, and returns the response of that POST (the page follows redirects).
  async function submit(locator, urlPart) {
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith(urlPart)),
      locator.click(),
    ]);
    await page.waitForLoadState("domcontentloaded");
    return resp;
  }

  let patientId, encounterId, claimId, pcn, file837;

  try {
    await step("a wrong password is refused", async () => {
      await page.goto("/login");
      await page.fill("#username", "demo-biller");
      await page.fill("#password", "not-the-password");
      const resp = await submit(page.locator('button[type="submit"]', { hasText: "Sign in" }), "/login");
      assert.ok(resp.status() >= 400, `POST /login answered ${resp.status()}`);
      await page.locator("p.error", { hasText: "not right" }).waitFor();
      assert.match(new URL(page.url()).pathname, /^\/login/);
      assert.equal(await page.inputValue("#username"), "demo-biller", "the user name is kept");
    });

    await step("sign in as demo-biller with the keyboard only", async () => {
      // The form comes back with the user name kept and focused (autofocus): Tab, type, Enter.
      await page.waitForFunction(() => document.activeElement?.id === "username");
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "password");
      await page.keyboard.type(PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.keyboard.press("Enter")]);
      await page.locator("header.top .who", { hasText: "biller" }).waitFor();
      await page.locator('button[type="submit"]', { hasText: "Sign out" }).waitFor();
    });

    await step("registering a patient without a birth date shows the field's error (422)", async () => {
      await page.goto("/patients/new");
      await page.fill('[name="last_name"]', "Browsertest");
      await page.fill('[name="first_name"]', "Pat");
      await page.selectOption('[name="sex"]', "F");
      await page.fill('[name="address.line1"]', "12 Elm Street");
      await page.fill('[name="address.city"]', "Springfield");
      await page.fill('[name="address.state"]', "IL");
      await page.fill('[name="address.postal_code"]', "62701");
      await page.fill('[name="phone"]', "2175550100");
      // The browser itself refuses the empty required field; turn that off to reach the server.
      const missing = await page.$eval('[name="birth_date"]', (e) => e.validity.valueMissing);
      assert.equal(missing, true, "birth_date is required in the browser");
      await page.$eval('form[action="/patients"]', (f) => { f.noValidate = true; });
      const resp = await submit(page.locator("button", { hasText: "Register patient" }), "/patients");
      assert.equal(resp.status(), 422);
      const err = page.locator('label.field:has([name="birth_date"]) span.field-error');
      await err.waitFor();
      assert.ok((await err.textContent()).trim().length > 0, "the error says something");
      assert.equal(await page.inputValue('[name="last_name"]'), "Browsertest", "typed values are kept");
      assert.equal(await page.inputValue('[name="address.city"]'), "Springfield");
    });

    await step("register the patient", async () => {
      await page.fill('[name="birth_date"]', "1961-04-15");
      await page.selectOption('[name="sex"]', "F");
      await Promise.all([
        page.waitForURL(/\/patients\/\d+$/),
        page.locator("button", { hasText: "Register patient" }).click(),
      ]);
      patientId = Number(new URL(page.url()).pathname.split("/").pop());
      await page.locator("h1", { hasText: "Browsertest, Pat" }).waitFor();
    });

    await step("add a coverage", async () => {
      const form = page.locator(`form[action="/patients/${patientId}/coverages"]`);
      await form.waitFor();
      const payers = await form.locator('[name="cov.payer_id"] option').evaluateAll((os) => os.map((o) => o.value));
      assert.ok(payers.length > 0, "the demo has payers");
      await form.locator('[name="cov.payer_id"]').selectOption(payers[0]);
      await form.locator('[name="cov.order"]').selectOption("1");
      await form.locator('[name="cov.member_id"]').fill("BT123456789");
      await form.locator('[name="cov.relationship"]').selectOption("self");
      await form.locator('[name="cov.effective_from"]').fill(COVERAGE_FROM);
      const resp = await submit(form.locator('button[type="submit"]'), `/patients/${patientId}/coverages`);
      assert.ok(resp.status() < 400, `POST coverages answered ${resp.status()}`);
      await page.waitForURL(new RegExp(`/patients/${patientId}$`));
      await page.locator("td", { hasText: "BT123456789" }).waitFor();
    });

    await step("start an encounter", async () => {
      const form = page.locator(`form[action="/patients/${patientId}/encounters"]`);
      await page.locator("summary", { hasText: "Start an encounter" }).click();
      const dos = form.locator('[name="enc.service_date"]');
      assert.match(await dos.inputValue(), /^\d{4}-\d{2}-\d{2}$/, "the date of service is prefilled");
      await dos.fill(SERVICE_DATE);
      await form.locator('[name="enc.place_of_service"]').fill("11");
      const billing = await form.locator('[name="enc.billing_provider_id"] option').evaluateAll((os) => os.map((o) => o.value));
      await form.locator('[name="enc.billing_provider_id"]').selectOption(billing[0]);
      const rendering = await form
        .locator('[name="enc.rendering_provider_id"] option')
        .evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      if (rendering.length) await form.locator('[name="enc.rendering_provider_id"]').selectOption(rendering[0]);
      await Promise.all([page.waitForURL(/\/encounters\/\d+$/), form.locator('button[type="submit"]').click()]);
      encounterId = Number(new URL(page.url()).pathname.split("/").pop());
      await page.locator("form#claim-form").waitFor();
      assert.equal(await page.getAttribute("form#claim-form", "data-date"), SERVICE_DATE);
    });

    await step("live code search: type words, pick an E11 code with ArrowDown and Enter", async () => {
      const dx1 = page.locator("#dx1");
      const query = "type 2 diabetes";
      // Searches run as the user types; wait for the one for the whole text, then for its list.
      const searched = page.waitForResponse(
        (r) => {
          const u = new URL(r.url());
          return u.pathname === "/api/codes/search" && u.searchParams.get("q") === query && r.ok();
        },
      );
      await dx1.click();
      await dx1.pressSequentially(query, { delay: 20 });
      const hits = await (await searched).json();
      assert.ok(hits.length > 0, "the search finds codes");
      const wanted = hits.map((h) => h.code);
      await page.waitForFunction(
        (w) => JSON.stringify([...document.querySelectorAll("ul.suggest li span.c")].map((e) => e.textContent)) === JSON.stringify(w),
        wanted,
      );
      const codes = await page.locator("ul.suggest li span.c").allTextContents();
      assert.equal(await page.getAttribute("#dx1", "aria-expanded"), "true");
      const target = codes.findIndex((c, i) => i > 0 && c.startsWith("E11"));
      const pick = target >= 0 ? target : codes.findIndex((c) => c.startsWith("E11"));
      assert.ok(pick >= 0, `an E11 suggestion for "type 2 diabetes" among ${codes.join(", ")}`);
      // The first suggestion is highlighted; walk to the one wanted with the arrow keys.
      await page.keyboard.press("ArrowDown");
      let at = Math.min(1, codes.length - 1);
      while (at < pick) { await page.keyboard.press("ArrowDown"); at += 1; }
      while (at > pick) { await page.keyboard.press("ArrowUp"); at -= 1; }
      await assert.doesNotReject(
        page.locator(`ul.suggest li[aria-selected="true"]`, { hasText: codes[pick] }).waitFor(),
      );
      await page.keyboard.press("Enter");
      await page.locator("ul.suggest").waitFor({ state: "detached" });
      assert.equal(await dx1.inputValue(), codes[pick]);
      assert.match(codes[pick], /^E11/);
      assert.match(new URL(page.url()).pathname, /^\/encounters\//, "Enter picked the code and did not submit");
      await page.locator("#code-notes strong", { hasText: codes[pick] }).waitFor();
    });

    await step("code a header (E11) and see the live findings without saving", async () => {
      const checked = page.waitForResponse(
        async (r) => {
          if (!r.url().endsWith("/api/claims/check") || r.status() !== 200) return false;
          const body = JSON.parse(r.request().postData() || "{}");
          return body.diagnoses?.[0] === "E11" && body.lines?.length === 1 && body.lines[0].charge === "125.00";
        },
        { timeout: STEP_TIMEOUT },
      );
      await page.fill("#dx1", "E11");
      await page.fill('[name="line1_code"]', "99213");
      await page.fill('[name="line1_charge"]', "125.00");
      await page.fill('[name="line1_units"]', "1");
      await page.fill('[name="line1_ptr"]', "A");
      const resp = await checked;
      const findings = await resp.json();
      assert.ok(findings.errors > 0, `the check finds an error: ${JSON.stringify(findings)}`);
      const panel = page.locator("section#findings");
      await panel.locator("h2", { hasText: "live" }).waitFor();
      await panel.locator("li.sev-error", { hasText: "E11" }).first().waitFor();
      assert.match(new URL(page.url()).pathname, /^\/encounters\//, "nothing was saved");
    });

    await step("save and scrub: the claim page shows the E11 error and cannot be marked ready", async () => {
      await Promise.all([page.waitForURL(/\/claims\/\d+$/), page.click("button#save-claim")]);
      claimId = Number(new URL(page.url()).pathname.split("/").pop());
      const err = page.locator("section#findings li.sev-error", { hasText: "E11" }).first();
      await err.waitFor();
      const text = await err.textContent();
      assert.match(text, /header|more characters/i, text);
      const ready = page.locator("button", { hasText: "Mark ready to send" });
      await ready.waitFor();
      assert.equal(await ready.isDisabled(), true, "Mark ready is disabled while there are errors");
      await page.locator("span.status", { hasText: "draft" }).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, "claim-with-error.png"), fullPage: true });
    });

    await step("fix the diagnoses (E11.9 and its use-additional Z79.84) and save: clean", async () => {
      // E11.9 alone draws a warning: its "use additional code" note asks for the drug code.
      await page.fill("#dx1", "E11.9");
      await page.keyboard.press("Escape");
      await page.fill("#dx2", "Z79.84");
      await page.keyboard.press("Escape");
      await page.fill('[name="line1_ptr"]', "A,B");
      await page.click("button#save-claim");
      await page.locator("p.notice", { hasText: "Saved and scrubbed" }).waitFor();
      await page.locator("section#findings p.ok", { hasText: "Clean" }).waitFor();
      assert.equal(await page.locator("section#findings li.sev-error").count(), 0);
      assert.equal(await page.inputValue("#dx1"), "E11.9");
      assert.equal(await page.inputValue("#dx2"), "Z79.84");
    });

    await step("mark the claim ready to send", async () => {
      const ready = page.locator("button", { hasText: "Mark ready to send" });
      assert.equal(await ready.isEnabled(), true);
      const resp = await submit(ready, `/claims/${claimId}/status`);
      assert.ok(resp.status() < 400, `status change answered ${resp.status()}`);
      await page.locator("h1 span.status", { hasText: "ready" }).waitFor();
      const muted = await page.locator("p.muted", { hasText: "PCN" }).textContent();
      pcn = /PCN\s+(\S+)/.exec(muted)?.[1];
      assert.ok(pcn, `a patient control number in "${muted}"`);
      await page.screenshot({ path: path.join(ARTIFACTS, "claim.png"), fullPage: true });
    });

    await step("create a batch of this claim and download its 837P", async () => {
      await page.goto("/batches");
      const mine = page.locator(`#batch-form input[name="claim_id"][value="${claimId}"]`);
      await mine.waitFor();
      assert.equal(await mine.isChecked(), true, "the ready claim is selected");
      // Send only the claim made here (the demo has ready claims of its own): the keyboard
      // clears "select all", then Space selects this claim again.
      await page.focus("#select-all");
      await page.keyboard.press("Space");
      assert.equal(await page.locator('#batch-form input[name="claim_id"]:checked').count(), 0);
      await mine.focus();
      await page.keyboard.press("Space");
      assert.equal(await mine.isChecked(), true);
      const resp = await submit(page.locator("button", { hasText: "Create batch and write the 837P" }), "/batches");
      assert.equal(resp.status(), 200);
      const link = page.locator("p.notice a#download-837");
      await link.waitFor();
      await page.locator("p.notice", { hasText: "1 claim(s)" }).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, "batches.png"), fullPage: true });
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      file837 = path.join(ARTIFACTS, "batch.837");
      await download.saveAs(file837);
      const x12 = readFileSync(file837, "latin1");
      assert.ok(x12.startsWith("ISA*"), `starts with ISA*: ${x12.slice(0, 40)}`);
      assert.ok(x12.includes("ST*837*"), "has an 837 transaction set");
      assert.match(x12, new RegExp(`CLM\\*${escapeRe(pcn)}\\*125(\\.00)?\\*`), "has this claim (CLM with its PCN and charge)");
      assert.match(x12, /HI\*ABK:E119\*ABF:Z7984~/, "diagnoses E11.9 (principal) and Z79.84");
      assert.match(x12, /SV1\*HC:99213/, "the service line");
    });

    await step("pyx12 validates the 837P", async () => {
      const r = spawnSync(X12VALID, [file837], { cwd: path.dirname(file837), encoding: "utf8" });
      if (r.error) assert.fail(`cannot run ${X12VALID}: ${r.error.message} (scripts/install-test-tools.sh installs it)`);
      const report = `${r.stdout}${r.stderr}`;
      const last = report.trim().split("\n").filter(Boolean).pop() || "";
      // The verdict is x12valid's last line (its exit status is no verdict: the installed entry
      // point exits 1 even when the file is OK, as the project's Rust pyx12 tests also assume).
      assert.match(last, /: OK$/, `x12valid:\n${report}`);
      assert.doesNotMatch(report, /\bERROR\b/, report);
    });

    // ---- getting paid: the clearinghouse's 999, the payer's 277CA and 835, uploaded on the
    // Payments page; balances to the cent; the same 835 again changes nothing.
    let file999;
    await step("the clearinghouse's 999 for the batch: accepted, the claim stays submitted", async () => {
      file999 = path.join(ARTIFACTS, "batch.999");
      const r = spawnSync(RCM, ["x12", "validate", file837, "--ack", file999], { encoding: "utf8" });
      if (r.error) assert.fail(`cannot run ${RCM}: ${r.error.message}`);
      assert.equal(r.status, 0, `rcm x12 validate --ack:\n${r.stdout}${r.stderr}`);
      await page.goto("/payments");
      await page.setInputFiles("#file", file999);
      const resp = await submit(page.locator("button", { hasText: "Import" }), "/payments");
      assert.equal(resp.status(), 200);
      await page.locator("#import-result", { hasText: "999 file" }).waitFor();
      await page.locator("#import-result li", { hasText: "accepted" }).first().waitFor();
    });

    await step("the payer's 277CA accepts the claim (payer claim number PCC1)", async () => {
      const f = path.join(ARTIFACTS, "ack.277");
      writeFileSync(f, x12File("HN", "277", "005010X214", 7701, [
        "BHT*0085*08*BROWSER277*20261124*1200*TH", "HL*1**20*1", "NM1*PR*2*DEMO PAYER*****PI*DEMO1",
        "TRN*1*T1", "DTP*050*D8*20261124", "DTP*009*D8*20261124", "HL*2*1*21*1",
        "NM1*41*2*RIVERSIDE FAMILY MEDICINE*****46*RIVERSIDEFM", "TRN*2*B1", "STC*A1:19*20261124*WQ*125",
        "HL*3*2*19*1", "NM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893", "TRN*1*P1",
        "STC*A1:19**WQ*125", "HL*4*3*PT", "NM1*QC*1*BROWSERTEST*PAT****MI*BT1", `TRN*2*${pcn}`,
        "STC*A2:20*20261124*WQ*125", "REF*1K*PCC1", `DTP*472*D8*${SERVICE_DATE.replaceAll("-", "")}`,
      ]));
      await page.setInputFiles("#file", f);
      const resp = await submit(page.locator("button", { hasText: "Import" }), "/payments");
      assert.equal(resp.status(), 200);
      await page.locator("#import-result li", { hasText: "now accepted" }).waitFor();
    });

    let file835;
    await step("the payer's 835 pays $80.00, $20.00 coinsurance, $25.00 contractual", async () => {
      file835 = path.join(ARTIFACTS, "remit.835");
      writeFileSync(file835, x12File("HP", "835", "005010X221A1", 7702, [
        "BPR*I*80*C*ACH*CCP*01*011000015*DA*123456*1123456789**01*021000021*DA*987654*20261120",
        "TRN*1*BROWSEREFT1*1123456789", "DTM*405*20261118", "N1*PR*DEMO PAYER", "N3*1 PAYER WAY",
        "N4*HARTFORD*CT*06101", "PER*BL*PROVIDER SERVICES*TE*8005550100",
        "N1*PE*RIVERSIDE FAMILY MEDICINE*XX*1234567893", "LX*1",
        `CLP*${pcn}*1*125*80*20*12*PCC1`, "NM1*QC*1*BROWSERTEST*PAT****MI*BT1",
        "SVC*HC:99213*125*80**1", `DTM*472*${SERVICE_DATE.replaceAll("-", "")}`,
        "CAS*CO*45*25", "CAS*PR*2*20", "REF*6R*1", "AMT*B6*100",
      ]));
      await page.setInputFiles("#file", file835);
      const resp = await submit(page.locator("button", { hasText: "Import" }), "/payments");
      assert.equal(resp.status(), 200);
      await page.locator("#import-result", { hasText: "1 claim(s) posted, 0 unmatched" }).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, "payments.png"), fullPage: true });
      await page.goto(`/claims/${claimId}`);
      await page.locator("h1 span.status", { hasText: "paid" }).waitFor();
      assert.equal((await page.locator("#insurance-balance").textContent()).trim(), "$0.00");
      assert.equal((await page.locator("#patient-balance").textContent()).trim(), "$20.00");
      await page.locator("table.payment", { hasText: "Charge exceeds fee schedule" }).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, "claim-paid.png"), fullPage: true });
    });

    await step("the same 835 again changes nothing", async () => {
      await page.goto("/payments");
      await page.setInputFiles("#file", file835);
      await submit(page.locator("button", { hasText: "Import" }), "/payments");
      await page.locator("#import-result", { hasText: "imported before" }).waitFor();
      await page.goto(`/claims/${claimId}`);
      assert.equal((await page.locator("#patient-balance").textContent()).trim(), "$20.00");
      assert.equal(await page.locator("table.payment").count(), 1, "one posting");
    });

    await step("an unbalanced 835 is refused whole", async () => {
      const bad = path.join(ARTIFACTS, "unbalanced.835");
      writeFileSync(bad, readFileSync(file835, "latin1").replace("BPR*I*80*", "BPR*I*81*").replace("BROWSEREFT1", "BROWSEREFT2"));
      await page.goto("/payments");
      await page.setInputFiles("#file", bad);
      const resp = await submit(page.locator("button", { hasText: "Import" }), "/payments");
      assert.equal(resp.status(), 422);
      await page.locator("#import-error", { hasText: "nothing was imported" }).waitFor();
    });

    await step("reports: the patient's $20.00 in the aging, charts drawn", async () => {
      await page.goto("/reports");
      await page.locator("#kpis").waitFor();
      const row = page.locator("#aging-patient tr", { hasText: "Browsertest, Pat" });
      await row.waitFor();
      assert.match(await row.textContent(), /\$20\.00/);
      assert.ok((await page.locator("svg.chart").count()) >= 1, "an SVG chart");
      await page.screenshot({ path: path.join(ARTIFACTS, "reports.png"), fullPage: true });
    });

    await step("work queue: the demo's denial, a note and an owner", async () => {
      await page.goto("/work-queue");
      await page.locator("#work-groups", { hasText: "50" }).waitFor();
      await page.locator("#work-items a", { hasText: "Work" }).first().click();
      await page.waitForURL(/\/work-queue\/\d+$/);
      await page.locator("#next-step", { hasText: "appeal" }).waitFor();
      await page.fill("#note", "Appeal with the visit note");
      await submit(page.locator("button", { hasText: "Add note" }), "/work-queue/");
      await page.locator("#notes li", { hasText: "Appeal with the visit note" }).waitFor();
      await submit(page.locator("button", { hasText: "Assign" }), "/work-queue/");
      assert.equal((await page.locator("#assigned").textContent()).trim(), "demo-biller");
    });

    await step("a second coverage, then bill the secondary payer from the paid claim; the CMS-1500 prints", async () => {
      await page.goto(`/patients/${patientId}`);
      await page.locator("summary", { hasText: "Add a coverage" }).click();
      const form = page.locator(`form[action="/patients/${patientId}/coverages"]`);
      const payers = await form.locator('[name="cov.payer_id"] option').evaluateAll((os) => os.map((o) => o.value));
      assert.ok(payers.length > 1, "the demo has several payers");
      await form.locator('[name="cov.payer_id"]').selectOption(payers[1]);
      await form.locator('[name="cov.order"]').selectOption("2");
      await form.locator('[name="cov.member_id"]').fill("BTSEC0042");
      await form.locator('[name="cov.relationship"]').selectOption("self");
      await form.locator('[name="cov.effective_from"]').fill(COVERAGE_FROM);
      await submit(form.locator('button[type="submit"]'), `/patients/${patientId}/coverages`);
      await page.locator("td", { hasText: "BTSEC0042" }).waitFor();
      await page.goto(`/claims/${claimId}`);
      const resp = await submit(page.locator("button", { hasText: "Bill the secondary payer" }), `/claims/${claimId}/next-payer`);
      assert.ok(resp.status() < 400, `next-payer answered ${resp.status()}`);
      await page.waitForURL((u) => /\/claims\/\d+$/.test(u.pathname) && u.pathname !== `/claims/${claimId}`);
      const secondaryId = Number(new URL(page.url()).pathname.split("/").pop());
      await page.locator("#coordination a", { hasText: `claim #${claimId}` }).waitFor();
      assert.equal((await page.locator("#insurance-balance").textContent()).trim(), "$20.00", "the secondary is asked for the coinsurance only");
      await page.locator("h1 span.status", { hasText: "draft" }).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, "secondary-claim.png"), fullPage: true });
      await page.goto(`/claims/${claimId}`);
      await page.locator("#coordination a.next-payer", { hasText: `claim #${secondaryId}` }).waitFor();
      const pdf = await page.request.get(`/claims/${claimId}/cms1500.pdf`);
      assert.equal(pdf.status(), 200);
      assert.equal(pdf.headers()["content-type"], "application/pdf");
      const bytes = await pdf.body();
      assert.equal(bytes.subarray(0, 5).toString("latin1"), "%PDF-");
      writeFileSync(path.join(ARTIFACTS, "cms1500.pdf"), bytes);
    });

    await step("sign out; signed-out pages go to the sign-in form", async () => {
      await Promise.all([
        page.waitForURL(/\/login/),
        page.locator('button[type="submit"]', { hasText: "Sign out" }).click(),
      ]);
      await page.locator("#username").waitFor();
      await page.goto("/patients");
      assert.match(new URL(page.url()).pathname, /^\/login$/, `at ${page.url()}`);
      await page.locator("#password").waitFor();
    });
  } finally {
    await browser.close();
  }
});
