// End to end in headless Chromium (playwright-core, installed by web/setup.sh): the page of
// web/dist steps through a translation that misses the TLB, walks the page table and misses
// the cache (CS:APP 9.6.4's VA 0x0020), makes problems with vmsim gen from seeds and grades
// right and wrong answers with vmsim check, steps a reference string, and
// steps a fork through its copy-on-write fault, checking what the page shows at each step.
// No console errors are allowed. Screenshots: build/web-e2e-*.png.
// Usage: node tests/web/e2e.mjs (from the top of the tree, after make web)
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';
import { serve } from './serve.mjs';

const exe = process.env.VMSIM_CHROMIUM || execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
const { url, close } = await serve('web/dist');
const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(String(e)));
mkdirSync('build', { recursive: true });

let pass = 0, fail = 0;
function check(what, ok, got) {
  if (ok) pass++;
  else { fail++; console.error(`FAIL ${what}${got !== undefined ? `: got ${JSON.stringify(got)}` : ''}`); }
}
const text = (sel) => page.locator(sel).first().innerText();
const count = (sel) => page.locator(sel).count();

try {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });

  // ---- a translation: TLB miss, page walk, cache miss
  await page.fill('#t-va', '0x0020');
  await page.click('#t-go');
  check('the translation starts at step 0', (await text('#t-stepno')) === 'step 0 of 8', await text('#t-stepno'));
  check('the PA is not shown before its step', (await text('#t-pa-strip')).includes('?'));
  const seen = {};
  for (let i = 1; i <= 8; i++) {
    await page.click('#t-fwd');
    const s = await text('#t-steptext');
    if (/TLB miss/.test(s)) {
      seen.tlb = true;
      check('TLB miss: set 0 is the highlighted row', await count('#t-tlb-table tr.lit[data-set="0"]') === 1);
      check('TLB miss: the set is marked as the deciding miss', await count('#t-tlb-table tr[data-set="0"] .decide.miss') === 1);
      check('TLB miss: no way is marked a hit', await count('#t-tlb-table .decide.hit') === 0);
    }
    if (/page-table walk/.test(s)) {
      seen.walk = true;
      const row = page.locator('#t-pt-table tr.lit');
      check('walk: one PTE highlighted', await row.count() === 1);
      check('walk: the PTE of VPN 0x00 gives PPN 0x28', (await row.innerText()).replace(/\s+/g, ' ').includes('0x00 0x28 1'),
            await row.innerText());
    }
    if (/cache miss/.test(s)) {
      seen.cache = true;
      check('cache miss: set 0x8 highlighted', await count('#t-cache-table tr.lit[data-set="8"]') === 1);
      check('cache miss: the set is the deciding miss', await count('#t-cache-table tr[data-set="8"] .decide.miss') === 1);
      const bits = (await page.locator('#t-pa-strip .val').allInnerTexts()).join('');
      check('cache miss: the PA strip shows 0xA20', bits === '101000100000', bits);
    }
  }
  check('the steps include the TLB miss, the walk and the cache miss', seen.tlb && seen.walk && seen.cache, seen);
  check('the last step says the byte is not given', /not given by the tables/.test(await text('#t-steptext')));
  await page.screenshot({ path: 'build/web-e2e-translate.png', fullPage: true });
  await page.click('#t-back');
  check('stepping back', (await text('#t-stepno')) === 'step 7 of 8');

  // a typed VA: vmsim check grades the problems of vmsim gen only; the key still shows
  await page.click('#t-check');
  check('a typed VA is not graded: the page says why', /vmsim check grades the problems of vmsim gen/.test(await text('#t-score')),
        await text('#t-score'));
  await page.check('#t-show');
  check('show answers: the key of PA', (await text('#t-answers [data-key="pa"] .key')) === '0xA20');
  await page.uncheck('#t-show');
  check('hide answers', (await text('#t-answers [data-key="pa"] .key')) === '');

  // the seed box: `vmsim gen translate --seed 1 --count 1` (docs/teaching.md), VA 0x19de. Its key
  // worked out by hand from the VA and gen's tables (TLB set 3 holds tag 0x19 -> PPN 0x39):
  // VPN 0x19de>>6 = 0x67, TLBI 0x3, TLBT 0x19; PA 0x39<<6|0x1e = 0xE5E: CO 0x2, CI 0x7, CT 0x39
  await page.fill('#t-seed', '1');
  await page.click('#t-new');
  check('seed 1: vmsim gen\'s problem, VA 0x19de', (await page.inputValue('#t-va')) === '0x19de', await page.inputValue('#t-va'));
  check('the note names the gen command', /vmsim gen translate --seed 1 --machine csapp-small --count 1/.test(await text('#t-note')),
        await text('#t-note'));
  check('the TLB shown is gen\'s: set 3 holds tag 0x19', /0x19/.test(await text('#t-tlb-table tr[data-set="3"]')),
        await text('#t-tlb-table tr[data-set="3"]'));
  const right = { vpn: '0x67', tlb_index: '3', tlb_tag: '0x19', tlb_hit: 'Y', page_fault: 'N', ppn: '0x39',
                  pa: '0xe5e', cache_offset: '0x2', cache_index: '0x7', cache_tag: '0x39', cache_hit: 'Y', byte: '0xA5' };
  for (const [k, v] of Object.entries(right)) {
    const sel = `#t-answers [name="${k}"]`;
    if ((await page.locator(sel).evaluate((e) => e.tagName)) === 'SELECT') await page.selectOption(sel, v);
    else await page.fill(sel, v);
  }
  await page.click('#t-check');
  check('right answers are graded right by check', (await text('#t-score')) === '12 of 12 right', await text('#t-score'));
  check('every field marked right', await count('#t-answers label.right') === 12);
  await page.fill('#t-answers [name="pa"]', '0x354');
  await page.click('#t-check');
  check('a wrong PA is graded wrong, with the hint of its step', /^11 of 12 right — hint: /.test(await text('#t-score')), await text('#t-score'));
  check('the wrong field is marked', await count('#t-answers label.wrong[data-key="pa"]') === 1);
  await page.screenshot({ path: 'build/web-e2e-translate-gen.png', fullPage: true });
  await page.fill('#t-answers [name="pa"]', '0xZZ');
  await page.click('#t-check');
  check('a malformed answer: check\'s message', /^fields:8:\d+: expected/.test(await text('#t-error')), await text('#t-error'));
  // a seed past 2^53 is the CLI's exercise too
  const vmsim = process.env.VMSIM || 'build/vmsim';
  const big = '18446744073709551615';
  const va = /problem 1 va (0x[0-9a-f]+)/.exec(execFileSync(vmsim, ['gen', 'translate', '--seed', big, '--count', '1'], { encoding: 'utf8' }))[1];
  await page.fill('#t-seed', big);
  await page.click('#t-new');
  check('seed 2^64-1: the VA of vmsim gen --seed 2^64-1', (await page.inputValue('#t-va')) === va, [await page.inputValue('#t-va'), va]);
  await page.fill('#t-seed', 'x1');
  await page.click('#t-new');
  check('a bad seed: the module\'s message', /expected "seed" to be a number from 0 to 18446744073709551615, found 'x1'/.test(await text('#t-error')),
        await text('#t-error'));

  // an error on the page: a VA too wide for the machine
  await page.fill('#t-va', '0x4000');
  await page.click('#t-go');
  check('a bad VA shows the library message', /wider than the 14-bit virtual address/.test(await text('#t-error')),
        await text('#t-error'));

  // ---- the replacement grid
  await page.click('button[data-tab="pages"]');
  await page.fill('#p-refs', '1 2 3 4 1 2 5 1 2 3 4 5');
  await page.fill('#p-frames', '3');
  await page.selectOption('#p-policy', 'fifo');
  await page.click('#p-go');
  for (let i = 0; i < 4; i++) await page.click('#p-fwd');
  check('pages: reference 4 evicts page 1', /Reference 4: page 4 — fault, evicts page 1/.test(await text('#p-steptext')),
        await text('#p-steptext'));
  check('pages: the frame that took page 4 is the deciding entry', (await text('#p-table td.decide.miss')) === '4');
  await page.selectOption('#p-answers [name="fault"]', 'Y');
  await page.click('#p-check');
  check('pages: a typed string is not graded: the page says why', /vmsim check grades the strings of vmsim gen/.test(await text('#p-score')),
        await text('#p-score'));
  for (let i = 0; i < 8; i++) await page.click('#p-fwd');
  check('pages: Belady string, 9 faults with 3 frames', /faults 9, hits 3/.test(await text('#p-total')), await text('#p-total'));

  // `vmsim gen pages --seed 3` (tests/cli/cases/gen-pages-seed3): LRU, 4 frames, 5 0 1 0 4 2 0 0 3 4 1 4
  await page.fill('#p-seed', '3');
  await page.click('#p-new');
  check('pages seed 3: gen\'s string, frames and policy', (await page.inputValue('#p-refs')) === '5 0 1 0 4 2 0 0 3 4 1 4' &&
        (await page.inputValue('#p-frames')) === '4' && (await page.inputValue('#p-policy')) === 'lru',
        [await page.inputValue('#p-refs'), await page.inputValue('#p-frames'), await page.inputValue('#p-policy')]);
  await page.fill('#p-answers [name="frames"]', '5 - - -');
  await page.selectOption('#p-answers [name="fault"]', 'Y');
  await page.click('#p-check');
  check('pages: reference 1 right (page 5 into frame 0, a fault)', /^right/.test(await text('#p-score')), await text('#p-score'));
  for (let i = 0; i < 5; i++) await page.click('#p-fwd');
  // reference 6, page 2: LRU evicts 5 (used at reference 1): frames 2,0,1,4, a fault
  await page.fill('#p-answers [name="frames"]', '2,0,1,4');
  await page.selectOption('#p-answers [name="fault"]', 'N');
  await page.click('#p-check');
  check('pages: reference 6 half right (frames right, fault wrong), with a hint', /^not yet \(1 of 2\) — hint: /.test(await text('#p-score')),
        await text('#p-score'));
  check('pages: the fault field is marked wrong, the frames right', await count('#p-answers label.wrong') === 1 &&
        await count('#p-answers label.right') === 1);
  await page.screenshot({ path: 'build/web-e2e-pages.png', fullPage: true });

  // ---- a fork and its copy-on-write fault
  await page.click('button[data-tab="scenario"]');
  await page.selectOption('#s-example', 'cow');
  await page.waitForFunction(() => document.querySelector('#s-stepno').textContent.startsWith('step 0'));
  const stepTo = async (line) => {
    for (let i = 0; i < 40 && !(await text('#s-out')).startsWith(`line ${line}:`); i++) await page.click('#s-fwd');
  };
  await stepTo(7); // fork P C
  check('after fork: the current line is highlighted', (await text('#s-lines li.cur')) === 'fork P C');
  const shared = page.locator('#s-frames .frame.shared');
  check('after fork: one frame shared by P and C, both read-only', await shared.count() === 1 &&
        /P 0x3780 ro/.test(await shared.innerText()) && /C 0x3780 ro/.test(await shared.innerText()));
  check('after fork: no copy-on-write fault yet', (await text('#s-faults [data-stat="faults.cow"]')) === '0');
  await stepTo(9); // C store A 1 0x22: the copy
  check('COW: C stored', /C store A 1 0x22/.test(await text('#s-out')));
  check('COW: one copy-on-write fault counted', (await text('#s-faults [data-stat="faults.cow"]')) === '1');
  check('COW: the counter is highlighted as changed', await count('#s-faults dd.changed[data-stat="faults.cow"]') === 1);
  const cRow = page.locator('#s-pt table[data-proc="C"] tr').nth(1);
  check('COW: C\'s PTE is the changed entry, read-write, in its own frame', /read-write/.test(await cRow.innerText()) &&
        await cRow.locator('td.changed').count() > 0, await cRow.innerText());
  check('COW: no frame is shared any more', await count('#s-frames .frame.shared') === 0);
  check('COW: two frames hold the page now', await count('#s-frames .frame') === 2);
  await stepTo(11); // P load A 1
  check('COW: the parent still reads its own value', /P load A 1 = 0x11/.test(await text('#s-out')), await text('#s-out'));
  await page.screenshot({ path: 'build/web-e2e-cow.png', fullPage: true });

  // a scenario error shows on the page
  await page.fill('#s-text', 'spawn P\nP load B 1\n');
  await page.click('#s-go');
  check('a scenario error is shown', /scenario\.vms:2:\d+: expected/.test(await text('#s-error')), await text('#s-error'));
} catch (err) {
  fail++;
  console.error(`FAIL: ${err.stack || err}`);
  await page.screenshot({ path: 'build/web-e2e-failure.png', fullPage: true }).catch(() => {});
} finally {
  check('no console errors', errors.length === 0, errors);
  await browser.close();
  close();
}
console.log(`web-e2e: ${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
