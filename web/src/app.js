// vmsim's web view (docs/web.md): every answer comes from vmsim.wasm through vmsim_call; this
// file only lays the answers out and steps through them.
import { load } from './vmsim.mjs';

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
};
const hex = (n, digits = 0) => (n == null ? '-' : '0x' + n.toString(16).toUpperCase().padStart(digits, '0'));
const log2 = (n) => Math.round(Math.log2(n));

let vm = null;
function call(req) {
  try {
    return vm.call(req);
  } catch (err) {
    return { ok: false, error: String(err && err.message ? err.message : err) };
  }
}
function showError(id, msg) {
  const p = $(id);
  p.hidden = !msg;
  p.textContent = msg || '';
}
function showNote(id, msg) {
  const p = $(id);
  p.hidden = !msg;
  p.textContent = msg || '';
}
const files = new Map();
async function fetchText(path) {
  if (!files.has(path)) {
    const r = await fetch(path);
    if (!r.ok) throw new Error(`${path}: ${r.status}`);
    files.set(path, await r.text());
  }
  return files.get(path);
}

/* ------------------------------------------------------------------ tabs */
for (const b of document.querySelectorAll('#tabs button')) {
  b.addEventListener('click', () => {
    for (const o of document.querySelectorAll('#tabs button')) o.setAttribute('aria-selected', String(o === b));
    for (const s of document.querySelectorAll('.tab')) s.dataset.active = String(s.id === b.dataset.tab);
  });
}

/* ------------------------------------------------------------------ translate */
// T.ex: the exercise of `vmsim gen translate` the page shows (null for a VA typed on an
// example state): its seed, machine, state text and the VA of its problem 1.
const T = { res: null, steps: [], step: 0, geom: null, state: null, checked: false, ex: null };

const T_FIELDS = [
  ['vpn', 'VPN'], ['tlb_index', 'TLBI'], ['tlb_tag', 'TLBT'], ['tlb_hit', 'TLB hit?'],
  ['page_fault', 'Page fault?'], ['ppn', 'PPN'], ['pa', 'PA'], ['cache_offset', 'CO'],
  ['cache_index', 'CI'], ['cache_tag', 'CT'], ['cache_hit', 'Cache hit?'], ['byte', 'Byte'],
];
// The names `vmsim check` gives these fields (docs/teaching.md, "Answers files").
const CHECK_NAME = { vpn: 'vpn', tlb_index: 'tlbi', tlb_tag: 'tlbt', tlb_hit: 'tlb_hit', page_fault: 'page_fault',
                     ppn: 'ppn', pa: 'pa', cache_offset: 'co', cache_index: 'ci', cache_tag: 'ct',
                     cache_hit: 'cache_hit', byte: 'byte' };

// A configuration size as vmsim prints it: 64, 4K, 2M, 1G.
function size(s) {
  const m = /^(\d+)([KMG]?)$/i.exec(String(s || '0'));
  return m ? Number(m[1]) * { '': 1, K: 1024, M: 1 << 20, G: 1 << 30 }[m[2].toUpperCase()] : 0;
}

function geometry(cfg) {
  const g = { va: +cfg.va_bits, pa: +cfg.pa_bits, page: size(cfg.page_size), levels: +cfg.levels };
  g.vpo = log2(g.page);
  const [te, tw] = (cfg['tlb.l1d'] || '0:1').split(':').map(size);
  g.tlbWays = tw || 1;
  g.tlbSets = te ? te / g.tlbWays : 0;
  g.tlbi = g.tlbSets ? log2(g.tlbSets) : 0;
  const [cs, cw, cb] = (cfg['cache.l1d'] || '0:1:1').split(':').map(size);
  g.cacheWays = cw || 1;
  g.block = cb || 1;
  g.cacheSets = cs ? cs / (g.cacheWays * g.block) : 0;
  g.co = log2(g.block);
  g.ci = g.cacheSets ? log2(g.cacheSets) : 0;
  return g;
}

// A bit strip: bits from width-1 down to 0, with two rows of field brackets.
function strip(value, width, rows) {
  const box = el('div', { class: width > 16 ? 'strip narrow' : 'strip' });
  for (let b = width - 1; b >= 0; b--) {
    const bit = el('div', { class: 'bit', 'data-bit': String(b) });
    bit.append(el('span', { class: 'num', text: String(b) }));
    bit.append(el('span', { class: 'val', text: value == null ? '?' : String(Number((BigInt(value) >> BigInt(b)) & 1n)) }));
    for (const [i, row] of rows.entries()) {
      const f = row.find((x) => b >= x.lo && b <= x.hi);
      const s = el('span', { class: `f${i + 1}${f ? ' f' + f.name.replace(/\d+$/, '') : ''}` });
      if (f && b === Math.floor((f.lo + f.hi + 1) / 2)) s.textContent = f.name;
      if (f) s.dataset.field = f.name;
      bit.append(s);
    }
    box.append(bit);
  }
  return box;
}

function parseState(text) {
  const st = { tlb: [], pte: [], pde: [], cache: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const t = line.split(/\s+/);
    const kv = Object.fromEntries(t.filter((x) => x.includes('=')).map((x) => x.split('=')));
    const pos = t.slice(1).filter((x) => !x.includes('='));
    if (t[0] === 'tlb' || t[0] === 'cache') {
      if (/^(l1d|l1i|l2|l3)$/.test(pos[0])) {
        if (pos[0] !== 'l1d') continue; // the page shows the L1 data TLB and cache
        pos.shift();
      }
      st[t[0]].push({ set: Number(pos[0]), way: Number(pos[1]), ...kv });
    } else if (t[0] === 'pte') st.pte.push({ vpn: Number(pos[0]), ...kv });
    else if (t[0] === 'pde') st.pde.push({ level: Number(pos[0]), index: Number(pos[1]), ...kv });
  }
  return st;
}

function stepKind(text) {
  if (/^\d+\. \d+-byte pages/.test(text)) return 'split';
  if (/^\d+\. TLB \w+: \d+ sets?/.test(text)) return 'tlbsplit';
  if (/^\d+\. (The )?TLB/.test(text)) return 'tlb';
  if (/page-table walk|page table/i.test(text.split('\n')[0])) return 'walk';
  if (/^\d+\. PA = /.test(text)) return 'pa';
  if (/^\d+\. Cache \w+: \d+ sets?/.test(text)) return 'cachesplit';
  if (/^\d+\. Cache set/.test(text)) return 'cache';
  return 'byte';
}

function parseSteps(text) {
  const m = text.split('\nSteps\n')[1];
  if (!m) return [];
  const body = m.split('\nAnswers\n')[0];
  const steps = [];
  for (const line of body.split('\n')) {
    if (/^ {2}\d+\. /.test(line)) steps.push(line.trim());
    else if (steps.length && line.trim()) steps[steps.length - 1] += '\n' + line.trim();
  }
  return steps.map((s) => ({ text: s, kind: stepKind(s) }));
}

function answerText(key, v) {
  if (v == null) return '-';
  if (typeof v === 'boolean') return v ? 'Y' : 'N';
  const g = T.geom;
  const digits = { vpn: Math.ceil((g.va - g.vpo) / 4), ppn: Math.ceil((g.pa - g.vpo) / 4),
                   pa: Math.ceil(g.pa / 4), tlb_tag: Math.ceil((g.va - g.vpo - g.tlbi) / 4),
                   cache_tag: Math.ceil((g.pa - g.ci - g.co) / 4), byte: 2 }[key] || 1;
  return hex(v, digits);
}

function renderTranslate() {
  const r = T.res, g = T.geom;
  if (!r) return;
  const kind = T.step > 0 ? T.steps[T.step - 1].kind : null;
  const reveal = (k) => $('t-show').checked || T.step === T.steps.length || (T.step > 0 && T.steps.slice(0, T.step).some((s) => s.kind === k));
  // bit strips
  const vpnBits = g.va - g.vpo;
  const row1 = [];
  if (g.levels > 1 && vpnBits % g.levels === 0) {
    const w = vpnBits / g.levels;
    for (let i = 0; i < g.levels; i++) row1.push({ name: `VPN${i + 1}`, hi: g.va - 1 - i * w, lo: g.va - (i + 1) * w });
  } else row1.push({ name: 'VPN', hi: g.va - 1, lo: g.vpo });
  row1.push({ name: 'VPO', hi: g.vpo - 1, lo: 0 });
  const row2 = g.tlbSets ? [{ name: 'TLBT', hi: g.va - 1, lo: g.vpo + g.tlbi }] : [];
  if (g.tlbi) row2.push({ name: 'TLBI', hi: g.vpo + g.tlbi - 1, lo: g.vpo });
  const vs = strip(r.va, g.va, [row1, row2]);
  if (kind === 'split' || kind === 'tlbsplit') vs.querySelectorAll('.bit').forEach((b) => b.classList.add('lit'));
  $('t-va-strip').replaceChildren(vs);
  const prow1 = [{ name: 'PPN', hi: g.pa - 1, lo: g.vpo }, { name: 'PPO', hi: g.vpo - 1, lo: 0 }];
  const prow2 = [{ name: 'CT', hi: g.pa - 1, lo: g.ci + g.co }];
  if (g.ci) prow2.push({ name: 'CI', hi: g.ci + g.co - 1, lo: g.co });
  if (g.co) prow2.push({ name: 'CO', hi: g.co - 1, lo: 0 });
  const ps = strip(reveal('pa') ? r.pa : null, g.pa, [prow1, prow2]);
  if (kind === 'pa' || kind === 'cachesplit') ps.querySelectorAll('.bit').forEach((b) => b.classList.add('lit'));
  $('t-pa-strip').replaceChildren(ps);

  // TLB: sets x ways
  $('t-tlb-geom').textContent = `${g.tlbSets} sets × ${g.tlbWays} ways`;
  const tlb = el('table', { class: 't', id: 't-tlb-table' });
  const th = el('tr', {}, el('th', { text: 'set' }));
  for (let w = 0; w < g.tlbWays; w++) th.append(el('th', { text: `way ${w}` }));
  tlb.append(th);
  for (let s = 0; s < g.tlbSets; s++) {
    const tr = el('tr', { 'data-set': String(s) }, el('th', { text: hex(s) }));
    for (let w = 0; w < g.tlbWays; w++) {
      const e = T.state.tlb.find((x) => x.set === s && x.way === w);
      const valid = e && e.valid === '1';
      const td = el('td', { class: valid ? '' : 'invalid', text: e ? `${e.tag} → ${e.ppn}` : '' });
      if (kind === 'tlb' && s === r.tlb_index && valid && Number(e.tag) === r.tlb_tag) td.classList.add('decide', 'hit');
      tr.append(td);
    }
    if (kind === 'tlb' && s === r.tlb_index) {
      tr.classList.add('lit');
      if (!r.tlb_hit) tr.querySelector('th').classList.add('decide', 'miss');
    }
    tlb.append(tr);
  }
  $('t-tlb').replaceChildren(g.tlbSets ? tlb : el('p', { class: 'empty', text: 'no L1 data TLB' }));

  // page table: the state's PTEs (and PDEs), as a tree on a multi-level machine; the
  // entries the walk reads highlighted
  $('t-pt-geom').textContent = `${g.levels} level${g.levels > 1 ? 's' : ''}, ${g.page}-byte pages`;
  const prot = T.state.pte.some((p) => p.prot);
  const pt = el('table', { class: 't', id: 't-pt-table' },
    el('tr', {}, el('th', { text: 'entry' }), el('th', { text: 'VPN' }), el('th', { text: 'PPN' }), el('th', { text: 'valid' }),
      prot ? el('th', { text: 'prot' }) : null));
  const w = g.levels > 1 && vpnBits % g.levels === 0 ? vpnBits / g.levels : 0;
  const top = (vpn) => (w ? Math.floor(vpn / 2 ** (w * (g.levels - 1))) : 0);
  const low = (vpn) => (w ? vpn % 2 ** w : vpn);
  const walking = kind === 'walk';
  const pteRow = (p) => {
    const tr = el('tr', {}, el('td', { class: w ? 'lvl2' : '', text: `L${g.levels}[${hex(low(p.vpn))}]` }),
      el('td', { text: hex(p.vpn, Math.ceil(vpnBits / 4)) }), el('td', { text: p.ppn || '-' }),
      el('td', { class: p.valid === '1' ? '' : 'invalid', text: p.valid || '' }), prot ? el('td', { text: p.prot || '' }) : null);
    if (walking && p.vpn === r.vpn) {
      tr.classList.add('lit');
      tr.children[2].classList.add('decide', r.page_fault ? 'miss' : 'hit');
    }
    return tr;
  };
  if (w) {
    const groups = new Map();
    for (const p of T.state.pte) groups.set(top(p.vpn), [...(groups.get(top(p.vpn)) || []), p]);
    for (const d of T.state.pde) if (d.level === 1 && !groups.has(top(d.index))) groups.set(top(d.index), []);
    for (const [t, ptes] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
      const d = T.state.pde.find((x) => x.level === 1 && top(x.index) === t);
      const valid = d ? d.valid : '1';
      const tr = el('tr', { class: 'table-row' }, el('td', { text: `L1[${hex(t)}]` }), el('td', { text: '' }),
        el('td', { text: valid === '1' ? 'table' : '-' }), el('td', { class: valid === '1' ? '' : 'invalid', text: valid }),
        prot ? el('td', { text: '' }) : null);
      if (walking && t === top(r.vpn)) {
        tr.classList.add('lit');
        if (valid !== '1') tr.children[2].classList.add('decide', 'miss');
      }
      pt.append(tr);
      for (const p of ptes) pt.append(pteRow(p));
    }
  } else for (const p of T.state.pte) pt.append(pteRow(p));
  $('t-pt').replaceChildren(pt);

  // cache: sets x ways, each a tag, valid bit and the block's bytes
  $('t-cache-geom').textContent = `${g.cacheSets} sets × ${g.cacheWays} way${g.cacheWays > 1 ? 's' : ''} × ${g.block}-byte blocks`;
  const ct = el('table', { class: 't', id: 't-cache-table' });
  const ch = el('tr', {}, el('th', { text: 'set' }));
  for (let w = 0; w < g.cacheWays; w++) ch.append(el('th', { text: g.cacheWays > 1 ? `way ${w}` : 'tag / valid' }), el('th', { text: 'bytes' }));
  ct.append(ch);
  for (let s = 0; s < g.cacheSets; s++) {
    const tr = el('tr', { 'data-set': String(s) }, el('th', { text: hex(s) }));
    for (let w = 0; w < g.cacheWays; w++) {
      const e = T.state.cache.find((x) => x.set === s && x.way === w);
      const valid = e && e.valid === '1';
      const td = el('td', { class: valid ? '' : 'invalid', text: e ? `${e.tag} / ${e.valid}` : '' });
      if (kind === 'cache' && s === r.cache_index && valid && Number(e.tag) === r.cache_tag) td.classList.add('decide', 'hit');
      tr.append(td, el('td', { class: valid ? '' : 'invalid', text: e && e.bytes && e.bytes !== '-' ? e.bytes.split(',').join(' ') : '-' }));
    }
    if (kind === 'cache' && s === r.cache_index) {
      tr.classList.add('lit');
      if (!r.cache_hit) tr.querySelector('th').classList.add('decide', 'miss');
    }
    ct.append(tr);
  }
  $('t-cache').replaceChildren(!g.cacheSets ? el('p', { class: 'empty', text: 'no L1 data cache' })
    : T.state.cache.length ? ct : el('p', { class: 'empty', text: 'The state gives no cache lines: every set is empty, so the access misses.' }));

  // the stepper
  $('t-stepno').textContent = `step ${T.step} of ${T.steps.length}`;
  $('t-back').disabled = T.step === 0;
  $('t-fwd').disabled = T.step === T.steps.length;
  $('t-steptext').textContent = T.step === 0
    ? `VA ${hex(r.va)} (${r.access}, ${r.machine}): answer the questions, or step through the translation.`
    : T.steps[T.step - 1].text;
  // the key under each answer field
  for (const [k] of T_FIELDS) {
    const key = document.querySelector(`#t-answers [data-key="${k}"] .key`);
    if (key) key.textContent = $('t-show').checked ? answerText(k, r[k]) : '';
  }
}

function buildAnswerForm() {
  const f = $('t-answers');
  f.replaceChildren();
  for (const [k, label] of T_FIELDS) {
    const input = typeof T.res?.[k] === 'boolean' || /\?$/.test(label)
      ? el('select', { name: k }, el('option', { value: '', text: '' }), el('option', { text: 'Y' }), el('option', { text: 'N' }), el('option', { value: '-', text: '-' }))
      : el('input', { name: k, size: '8', placeholder: 'hex or -' });
    f.append(el('label', { 'data-key': k }, label, input, el('span', { class: 'key' })));
  }
}

async function translateRun() {
  showError('t-error', '');
  // the generated exercise while its VA is the one shown; otherwise the example state
  const ex = T.ex && $('t-va').value.trim() === T.ex.vaText ? T.ex : null;
  if (!ex) { T.ex = null; showNote('t-note', ''); }
  const path = $('t-machine').value;
  let state = ex ? ex.state : null;
  if (!ex) {
    try {
      state = await fetchText(path);
    } catch (err) {
      showError('t-error', String(err.message));
      return;
    }
  }
  const r = call({ cmd: 'translate', state, name: ex ? `gen translate seed ${ex.seed}` : path,
                   va: [$('t-va').value.trim()], access: ex ? 'load' : $('t-access').value, explain: 'steps' });
  if (!r.ok) {
    showError('t-error', r.error);
    return;
  }
  T.res = r.results[0];
  T.geom = geometry(r.provenance.run.config);
  T.state = parseState(state);
  T.steps = parseSteps(r.text);
  T.step = 0;
  T.checked = false;
  $('t-score').textContent = '';
  buildAnswerForm();
  renderTranslate();
}

// A problem from vmsim's own generator: `vmsim gen translate --seed N --machine M --count 1`.
function translateNew() {
  showError('t-error', '');
  const seed = $('t-seed').value.trim();
  const machine = $('t-machine').selectedOptions[0].dataset.preset;
  const g = call({ cmd: 'gen', kind: 'translate', seed, machine, count: 1 });
  if (!g.ok) {
    showError('t-error', g.error);
    return;
  }
  const x = g.exercise, va = x.problems[0].va;
  const digits = machine === 'csapp-small' ? 4 : 8;
  T.ex = { seed: String(x.seed), machine: x.machine, state: x.state, vaText: '0x' + va.toString(16).padStart(digits, '0') };
  $('t-va').value = T.ex.vaText;
  $('t-access').value = 'load';
  showNote('t-note', `The tables and VA of vmsim gen translate --seed ${x.seed} --machine ${x.machine} --count 1; ` +
                     'your answers are graded by vmsim check.');
  translateRun();
}

// The answers graded by `vmsim check` against the generated exercise.
function translateCheck(ev) {
  ev && ev.preventDefault();
  if (!T.res) return;
  const labels = document.querySelectorAll('#t-answers label');
  labels.forEach((l) => l.classList.remove('right', 'wrong'));
  if (!T.ex) {
    $('t-score').textContent = 'vmsim check grades the problems of vmsim gen: choose a seed and New problem (Show answers gives this VA\'s key).';
    return;
  }
  const fields = [];
  for (const [k] of T_FIELDS) {
    const value = $('t-answers').elements[k].value.trim();
    if (value !== '') fields.push({ problem: 1, field: CHECK_NAME[k], value });
  }
  const c = call({ cmd: 'check', kind: 'translate', seed: T.ex.seed, machine: T.ex.machine, count: 1, fields });
  showError('t-error', c.ok ? '' : c.error);
  if (!c.ok) { $('t-score').textContent = ''; return; }
  const p = c.report.problems[0];
  for (const [k] of T_FIELDS) {
    const f = p.fields.find((x) => x.field === CHECK_NAME[k]);
    const lab = document.querySelector(`#t-answers [data-key="${k}"]`);
    if (f && f.result === 'right') lab.classList.add('right');
    else if (f && f.result === 'wrong') lab.classList.add('wrong');
  }
  $('t-score').textContent = `${p.score} of ${p.max_score} right` + (p.hint ? ` — hint: ${p.hint}` : '');
}

$('t-go').addEventListener('click', translateRun);
$('t-va').addEventListener('keydown', (e) => { if (e.key === 'Enter') translateRun(); });
$('t-machine').addEventListener('change', () => {
  T.ex = null;
  $('t-va').value = $('t-machine').value.includes('2level') ? '0x00400123' : '0x0020';
  translateRun();
});
$('t-new').addEventListener('click', translateNew);
$('t-show').addEventListener('change', renderTranslate);
$('t-fwd').addEventListener('click', () => { if (T.step < T.steps.length) { T.step++; renderTranslate(); } });
$('t-back').addEventListener('click', () => { if (T.step > 0) { T.step--; renderTranslate(); } });
$('t-check').addEventListener('click', translateCheck);

/* ------------------------------------------------------------------ pages */
const POLICIES = ['fifo', 'lru', 'opt', 'clock', 'eclock', 'nru', 'lfu', 'aging', 'random',
                  'wsclock', 'arc', '2q', 'lirs', 'clock-pro', 'lru2'];
// P.ex: the exercise of `vmsim gen pages` shown (null for a string typed in): its seed and
// count, and the references, frames and policy it gave.
const P = { res: null, step: 0, refsText: '', ex: null };
for (const p of POLICIES) $('p-policy').append(el('option', { text: p }));
$('p-policy').value = 'lru';

function renderPages() {
  const r = P.res;
  if (!r) return;
  const steps = r.steps, n = steps.length, k = P.step, show = $('p-show').checked;
  const frames = r.frames;
  const tbl = el('table', { class: 't grid', id: 'p-table' });
  const head = el('tr', {}, el('th', { text: 'ref' }));
  steps.forEach((s, j) => head.append(el('th', { class: j === k ? 'cur' : '', text: `${s.page}${s.write ? 'w' : ''}` })));
  tbl.append(head);
  const visible = (j) => j < k || show || k >= n;
  for (let f = 0; f < frames; f++) {
    const tr = el('tr', {}, el('th', { text: `frame ${f}` }));
    steps.forEach((s, j) => {
      const v = s.frames[f];
      const td = el('td', { text: v == null ? '' : String(v) });
      if (!visible(j)) td.classList.add('future');
      if (j === k - 1 || (show && j === k)) {
        // the entry that decides the step: the page hit, or the frame filled
        const prev = j > 0 ? steps[j - 1].frames[f] : null;
        if (s.hit && v === s.page) td.classList.add('decide', 'hit');
        else if (!s.hit && v === s.page && prev !== s.page) td.classList.add('decide', 'miss');
      }
      if (j === k) td.classList.add('cur');
      tr.append(td);
    });
    tbl.append(tr);
  }
  const fr = el('tr', {}, el('th', { text: 'fault' }));
  const ev = el('tr', {}, el('th', { text: 'evicted' }));
  steps.forEach((s, j) => {
    fr.append(el('td', { class: `${s.hit ? 'hitmark' : 'fault'}${visible(j) ? '' : ' future'}${j === k ? ' cur' : ''}`, text: s.hit ? '' : '*' }));
    ev.append(el('td', { class: `${visible(j) ? '' : 'future'}${j === k ? ' cur' : ''}`, text: s.evicted == null ? '' : String(s.evicted) }));
  });
  tbl.append(fr, ev);
  $('p-grid').replaceChildren(tbl);
  $('p-stepno').textContent = k >= n ? `done (${n} references)` : `reference ${k + 1} of ${n}`;
  $('p-back').disabled = k === 0;
  $('p-fwd').disabled = k >= n;
  const last = k > 0 ? steps[k - 1] : null;
  const said = last
    ? `Reference ${k}: page ${last.page}${last.write ? ' (write)' : ''} — ${last.hit ? 'hit' : last.evicted == null ? 'fault, into a free frame' : `fault, evicts page ${last.evicted}`}.`
    : `${r.policy} with ${frames} frames: what happens at each reference?`;
  $('p-steptext').textContent = k < n ? `${said}\nNext: page ${steps[k].page}${steps[k].write ? ' (write)' : ''}. Fault? Which page is in each frame after it?` : said;
  $('p-total').textContent = k >= n || show ? `references ${r.references}, faults ${r.faults}, hits ${r.hits}` : '';
}

function pagesRun() {
  showError('p-error', '');
  const ex = P.ex;
  if (ex && !(ex.refs === $('p-refs').value.trim() && ex.frames === Number($('p-frames').value) && ex.policy === $('p-policy').value)) {
    P.ex = null;
    showNote('p-note', '');
  }
  const r = call({ cmd: 'pages', refs: $('p-refs').value, frames: Number($('p-frames').value), policy: $('p-policy').value, name: 'references' });
  if (!r.ok) {
    showError('p-error', r.error);
    return;
  }
  P.res = r.result;
  P.step = 0;
  $('p-score').textContent = '';
  renderPages();
}

// A string from vmsim's own generator: `vmsim gen pages --seed N`.
function pagesNew() {
  showError('p-error', '');
  const g = call({ cmd: 'gen', kind: 'pages', seed: $('p-seed').value.trim() });
  if (!g.ok) {
    showError('p-error', g.error);
    return;
  }
  const x = g.exercise;
  P.ex = { seed: String(x.seed), count: x.count, refs: x.problems.map((p) => p.ref).join(' '), frames: x.frames, policy: x.policy };
  $('p-refs').value = P.ex.refs;
  $('p-frames').value = String(x.frames);
  $('p-policy').value = x.policy;
  showNote('p-note', `The string, policy and frames of vmsim gen pages --seed ${x.seed}; your answers are graded by vmsim check.`);
  pagesRun();
}

// The answer for the next reference (problem P.step + 1 of the exercise), graded by `vmsim check`.
function pagesCheck() {
  const r = P.res;
  if (!r || P.step >= r.steps.length) return;
  const f = $('p-answers').elements;
  const mark = (name, res) => {
    const l = f[name].closest('label');
    l.classList.remove('right', 'wrong');
    if (res === 'right' || res === 'wrong') l.classList.add(res);
  };
  if (!P.ex) {
    mark('fault'); mark('frames');
    $('p-score').textContent = 'vmsim check grades the strings of vmsim gen: choose a seed and New string (Show answers gives the key).';
    return;
  }
  const n = P.step + 1, fields = [];
  // the frames as the answers file writes them: frame 0 first, separated by commas
  const frames = f.frames.value.trim().split(/[\s,]+/).filter(Boolean).join(',');
  if (frames) fields.push({ problem: n, field: 'frames', value: frames });
  if (f.fault.value) fields.push({ problem: n, field: 'fault', value: f.fault.value });
  const c = call({ cmd: 'check', kind: 'pages', seed: P.ex.seed, count: P.ex.count, fields });
  showError('p-error', c.ok ? '' : c.error);
  if (!c.ok) { $('p-score').textContent = ''; return; }
  const p = c.report.problems[P.step];
  for (const x of p.fields) mark(x.field, x.result);
  $('p-score').textContent = p.score === p.max_score ? 'right — step forward'
    : `not yet (${p.score} of ${p.max_score})` + (p.hint ? ` — hint: ${p.hint}` : '');
}

$('p-go').addEventListener('click', pagesRun);
$('p-new').addEventListener('click', pagesNew);
$('p-show').addEventListener('change', renderPages);
$('p-fwd').addEventListener('click', () => { if (P.res && P.step < P.res.steps.length) { P.step++; clearPagesAnswers(); renderPages(); } });
$('p-back').addEventListener('click', () => { if (P.step > 0) { P.step--; clearPagesAnswers(); renderPages(); } });
$('p-check').addEventListener('click', (e) => { e.preventDefault(); pagesCheck(); });
function clearPagesAnswers() {
  const f = $('p-answers');
  f.reset();
  f.querySelectorAll('label').forEach((l) => l.classList.remove('right', 'wrong'));
  $('p-score').textContent = '';
}

/* ------------------------------------------------------------------ scenario */
const EXAMPLES = {
  cow: `# fork: the child shares the parent's pages read-only; the first store to one
# copies it (copy-on-write), and each side then sees only its own writes.
machine csapp-small
spawn P
P mmap A 2pages rw- private anon
P store A 1 0x11
fork P C
C load A 1
C store A 1 0x22
C load A 1
P load A 1
P store A+64 1 0x33
C load A+64 1
`,
  swap: `# Four frames for six pages: the clock policy evicts pages to swap and a later
# access brings them back (a major fault).
machine csapp-small
memory 4pages
swap 16pages
spawn P
P mmap A 6pages rw- private anon
P store A 1 0x1
P store A+64 1 0x2
P store A+128 1 0x3
P store A+192 1 0x4
P store A+256 1 0x5
P store A+320 1 0x6
P load A 1
P load A+64 1
`,
};
const S = { res: null, step: 0, lines: [] };

function entryInfo(e) {
  const present = /(?:^|\s)(?:valid|P)=1/.test(e.desc);
  const writable = /(?:WRITE|R\/W)=1/.test(e.desc);
  const m = /(?:^|\s)(?:PPN|PFN)=0x([0-9a-f]+)/i.exec(e.desc);
  const swap = /swap slot (\d+)/.exec(e.desc);
  return { present, writable, frame: m ? parseInt(m[1], 16) : null, slot: swap ? Number(swap[1]) : null };
}

function renderScenario() {
  const r = S.res;
  if (!r) return;
  const k = S.step, n = r.steps.length;
  const cur = k > 0 ? r.steps[k - 1] : null, prev = k > 1 ? r.steps[k - 2] : null;
  // the lines, the current one highlighted
  const ol = $('s-lines');
  ol.replaceChildren();
  const doneLine = cur ? cur.line : 0;
  S.lines.forEach((text, i) => {
    const ln = i + 1;
    const li = el('li', { class: ln === doneLine ? (cur.error ? 'cur failed' : 'cur') : ln < doneLine ? 'done' : 'todo', text: text || ' ' });
    ol.append(li);
  });
  $('s-stepno').textContent = `step ${k} of ${n}`;
  $('s-back').disabled = k === 0;
  $('s-fwd').disabled = k >= n;
  $('s-out').textContent = !cur ? 'Step forward to run the scenario one line at a time.'
    : `line ${cur.line}: ${cur.command}\n${cur.output || '(no output)\n'}${cur.diag}${cur.error ? 'error: ' + cur.error : ''}`;
  // page tables: each process's entries, those that changed in this step highlighted
  const procs = cur ? cur.processes : [];
  const before = new Map();
  for (const p of prev ? prev.processes : []) for (const e of p.entries) before.set(`${p.name} ${e.level} ${e.va}`, e.pte);
  const ptBox = el('div');
  for (const p of procs) {
    const t = el('table', { class: 't', 'data-proc': p.name },
      el('tr', {}, el('th', { text: 'level' }), el('th', { text: 'VA' }), el('th', { text: 'PTE' }), el('th', { text: 'frame' }),
        el('th', { text: 'access' }), el('th', { text: 'bits' })));
    for (const e of p.entries) {
      const info = entryInfo(e);
      const key = `${p.name} ${e.level} ${e.va}`;
      const changed = k > 1 && before.get(key) !== e.pte;
      const tr = el('tr', {}, el('td', { class: `lvl${e.level}`, text: `L${e.level}[${hex(e.index)}]` }), el('td', { text: e.va }), el('td', { text: e.pte }),
        el('td', { text: info.slot != null ? `swap ${info.slot}` : info.frame != null ? hex(info.frame) : '-' }),
        el('td', { text: !e.leaf ? 'table' : info.present ? (info.writable ? 'read-write' : 'read-only') : 'not present' }),
        el('td', { class: 'desc', text: e.desc }));
      if (changed) tr.querySelectorAll('td').forEach((td) => td.classList.add('changed'));
      t.append(tr);
    }
    if (!p.entries.length) t.append(el('tr', {}, el('td', { colspan: '6', class: 'invalid', text: 'no entries yet' })));
    ptBox.append(el('div', { class: 'proc' }, el('h3', {}, `${p.name} `, el('small', { text: `pid ${p.pid}, CR3 ${p.cr3}` })), t));
  }
  $('s-pt').replaceChildren(procs.length ? ptBox : el('p', { class: 'empty', text: 'no processes yet' }));
  // physical frames and swap, from the leaf entries
  const frames = new Map(), slots = new Map(), oldFrames = new Map();
  for (const p of procs)
    for (const e of p.entries) {
      if (!e.leaf) continue;
      const info = entryInfo(e);
      const who = `${p.name} ${e.va} ${info.writable ? 'rw' : 'ro'}`;
      if (info.present && info.frame != null) frames.set(info.frame, [...(frames.get(info.frame) || []), who]);
      if (info.slot != null) slots.set(info.slot, [...(slots.get(info.slot) || []), `${p.name} ${e.va}`]);
    }
  for (const p of prev ? prev.processes : [])
    for (const e of p.entries) {
      const info = entryInfo(e);
      if (e.leaf && info.present) oldFrames.set(info.frame, [...(oldFrames.get(info.frame) || []), `${p.name} ${e.va} ${info.writable ? 'rw' : 'ro'}`]);
    }
  const box = (map, label, old) => {
    const d = el('div', { class: 'frames' });
    for (const [f, owners] of [...map.entries()].sort((a, b) => a[0] - b[0])) {
      const c = el('div', { class: `frame${owners.length > 1 ? ' shared' : ''}`, 'data-frame': String(f) }, el('b', { text: `${label} ${hex(f)}` }));
      for (const o of owners) c.append(el('div', { text: o }));
      if (old && k > 1 && JSON.stringify(old.get(f) || []) !== JSON.stringify(owners)) c.classList.add('changed');
      d.append(c);
    }
    if (!map.size) d.append(el('p', { class: 'empty', text: label === 'frame' ? 'no user pages in memory' : 'nothing swapped out' }));
    return d;
  };
  $('s-frames').replaceChildren(box(frames, 'frame', oldFrames));
  $('s-swap').replaceChildren(box(slots, 'slot', null));
  // the fault counters
  const dl = el('dl', { class: 'faults', id: 's-faults-list' });
  const stat = (st, path) => path.split('.').reduce((o, x) => (o ? o[x] : undefined), st);
  for (const [label, path] of [['minor faults', 'faults.minor'], ['major faults', 'faults.major'], ['copy-on-write', 'faults.cow'],
    ['zero-fill', 'faults.zero_fill'], ['swap-ins', 'swap.ins'], ['swap-outs', 'swap.outs'], ['SIGSEGV', 'faults.segv_accerr']]) {
    const v = cur && cur.stats ? stat(cur.stats, path) : 0;
    const pv = prev && prev.stats ? stat(prev.stats, path) : 0;
    dl.append(el('dt', { text: label }), el('dd', { class: v !== pv ? 'changed' : '', 'data-stat': path, text: String(v ?? 0) }));
  }
  $('s-faults').replaceChildren(dl);
}

function scenarioRun() {
  showError('s-error', '');
  const text = $('s-text').value;
  const r = call({ cmd: 'scenario', text, name: 'scenario.vms' });
  if (!r.ok) {
    showError('s-error', r.error);
    return;
  }
  S.res = r;
  S.lines = text.replace(/\n$/, '').split('\n');
  S.step = 0;
  const last = r.steps[r.steps.length - 1];
  if (last && last.error) showError('s-error', last.error);
  renderScenario();
}

async function scenarioExample() {
  const v = $('s-example').value;
  try {
    $('s-text').value = EXAMPLES[v] || (await fetchText(v));
  } catch (err) {
    showError('s-error', String(err.message));
    return;
  }
  scenarioRun();
}

$('s-go').addEventListener('click', scenarioRun);
$('s-example').addEventListener('change', scenarioExample);
$('s-fwd').addEventListener('click', () => { if (S.res && S.step < S.res.steps.length) { S.step++; renderScenario(); } });
$('s-back').addEventListener('click', () => { if (S.step > 0) { S.step--; renderScenario(); } });

/* ------------------------------------------------------------------ start */
try {
  vm = await load();
  $('status').textContent = '';
  $('status').hidden = true;
  document.body.dataset.ready = 'true';
  await translateRun();
  pagesRun();
  $('s-text').value = EXAMPLES.cow;
  scenarioRun();
} catch (err) {
  $('status').textContent = `vmsim.wasm could not be loaded: ${err.message}`;
  $('status').className = 'error';
}
