// The WASM build answers as the CLI does: every golden translate and pages case of
// tests/cli/cases that is one plain `$VMSIM translate|pages ...` command is turned into a
// vmsim_call request, answered by web/dist/vmsim.wasm under Node, and compared with the
// case's .out (the answer: text layout, JSON objects, the pages table) and .err/.rc (a
// failing case fails in the web build too; a library error has the same message). Cases
// that are shell scripts (temporary files, pipes) or ask for what the API does not do
// (--help, --ws-series) are listed as not compared. Then the scenarios of tests/scenarios,
// run whole, against the build's `vmsim run`; gen and check against `vmsim gen` and
// `vmsim check` for several seeds of each kind. Ends with "web-golden: N passed, N failed".
// Usage: node tests/web/golden.mjs (from the top of the tree, after make web)
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { spawnSync } from 'node:child_process';
import { load } from '../../web/dist/vmsim.mjs';

const dir = 'tests/cli/cases';
const vm = await load();
let pass = 0, fail = 0;
const skipped = [];

// Shell words of a plain command (double quotes only); null when it is more than that.
function words(cmd) {
  const lines = cmd.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  if (lines.length !== 1 || /[|;&<>$`'\\()]/.test(lines[0].replace(/^\$VMSIM /, ''))) return null;
  const out = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m;
  while ((m = re.exec(lines[0].replace(/^\$VMSIM /, '')))) out.push(m[1] ?? m[2]);
  return out;
}

// argv of `vmsim translate` -> [request, json?]; null when the API does not take it.
function translateRequest(args) {
  const req = { cmd: 'translate', va: [] };
  let json = false, layout = 'book', explain = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--state') {
      const f = args[++i];
      if (!existsSync(f)) return { fileMissing: f };
      req.state = readFileSync(f, 'utf8');
      req.name = f;
    } else if (a === '--json') json = true;
    else if (a === '--sequential') req.sequential = true;
    else if (a === '--access') req.access = args[++i];
    else if (a === '--explain') explain = args[++i];
    else if (a === '--layout') layout = args[++i];
    else if (a.startsWith('--')) return null;
    else req.va.push(a);
  }
  // the CLI's own option checks: the request gets a value it refuses too
  if (json && (explain || layout !== 'book')) req.explain = 'json-with-a-layout';
  else if (layout === 'list') req.explain = explain ? 'list-with-explain' : 'list';
  else if (layout !== 'book') req.explain = layout;
  else if (explain) req.explain = explain;
  return { req, json };
}

function pagesRequest(args) {
  const req = { cmd: 'pages', refs: [], width: 80 };
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--frames' || a === '-f') req.frames = Number(args[++i]);
    else if (a === '--policy' || a === '-p') req.policy = args[++i];
    else if (a === '--tau') req.tau = Number(args[++i]);
    else if (a === '--json') json = true;
    else if (a === '--state') req.state = true;
    else if (a === '--table') req.table = true;
    else if (a === '--width') req.width = Number(args[++i]);
    else if (a === '--file') {
      const f = args[++i];
      if (!existsSync(f)) return { fileMissing: f };
      req.refs = readFileSync(f, 'utf8');
      req.name = f;
    } else if (a.startsWith('-')) return null;
    else req.refs.push(a);
  }
  return { req, json };
}

function check(name, ok, why) {
  if (ok) pass++;
  else { fail++; console.error(`FAIL ${name}: ${why}`); }
}

const cases = readdirSync(dir).filter((f) => /^(translate|pages)-.*\.cmd$/.test(f)).sort();
for (const file of cases) {
  const name = file.replace(/\.cmd$/, '');
  const base = `${dir}/${name}`;
  const args = words(readFileSync(`${base}.cmd`, 'utf8'));
  const cmd = args && args.shift();
  const made = !args ? null : cmd === 'translate' ? translateRequest(args) : pagesRequest(args);
  if (!made || made.fileMissing) {
    skipped.push(`${name}${made ? ` (reads ${made.fileMissing}, not in the tree)` : ''}`);
    continue;
  }
  const { req, json } = made;
  const want = readFileSync(`${base}.out`, 'utf8');
  const rc = existsSync(`${base}.rc`) ? Number(readFileSync(`${base}.rc`, 'utf8')) : 0;
  const err = existsSync(`${base}.err`) ? readFileSync(`${base}.err`, 'utf8').trim() : '';
  const r = vm.call(req);
  if (rc !== 0) {
    // an option the CLI refuses, or the library's message word for word
    const msg = err.replace(/^vmsim \w+: /, '');
    const optionError = /^--/.test(msg);
    check(name, r.ok === false && (optionError || r.error === msg),
          `the CLI fails with "${msg}", the web build answers ${JSON.stringify(r).slice(0, 300)}`);
    continue;
  }
  if (!r.ok) { check(name, false, `error ${r.error}`); continue; }
  if (cmd === 'translate' && json) {
    const lines = want.trim().split('\n').map((l) => JSON.parse(l));
    const prov = lines.shift();
    prov.vmsim.build = r.provenance.vmsim.build; // the one difference: the build's libraries
    check(name, isDeepStrictEqual(prov, r.provenance), 'provenance differs');
    check(name, isDeepStrictEqual(lines, r.results),
          `results differ:\n${JSON.stringify(lines)}\n${JSON.stringify(r.results)}`);
  } else if (cmd === 'translate') {
    check(name, r.text === want, `text differs:\n--- CLI\n${want}\n--- web\n${r.text}`);
  } else if (json) {
    const o = JSON.parse(want);
    delete o.vmsim; delete o.run; delete o.inputs; // the CLI's provenance around the answer
    check(name, isDeepStrictEqual(o, r.result), `result differs: ${JSON.stringify(r.result)}`);
  } else {
    // the CLI's first line is its provenance summary; the rest is the library's text
    check(name, r.text === want.slice(want.indexOf('\n') + 1),
          `text differs:\n--- CLI\n${want}\n--- web\n${r.text}`);
  }
}
// The scenarios of tests/scenarios (docs/scenario.md): the module's whole run prints what
// `vmsim run` prints (the CLI binary of the build, $VMSIM or build/vmsim) and exits alike.
// Scenarios that exec a program need host ELF files, which the web build has not.
const bin = process.env.VMSIM || 'build/vmsim';
if (existsSync(bin)) {
  let ran = 0;
  for (const f of readdirSync('tests/scenarios').filter((x) => x.endsWith('.vms')).sort()) {
    const path = `tests/scenarios/${f}`;
    const text = readFileSync(path, 'utf8');
    if (/^\s*\w+\s+exec\b|^\s*exec\b/m.test(text)) { skipped.push(`${path} (exec)`); continue; }
    const cli = spawnSync(bin, ['run', path], { encoding: 'utf8' });
    const r = vm.call({ cmd: 'scenario', text, name: path, steps: false });
    ran++;
    check(path, r.ok && r.output === cli.stdout && r.status === cli.status,
          `CLI exit ${cli.status}, web ${r.ok ? r.status : r.error}\n--- CLI\n${cli.stdout}--- web\n${r.output}`);
  }
  if (ran < 20) { console.error(`FAIL: only ${ran} scenarios compared`); fail++; }
} else {
  skipped.push(`tests/scenarios (no ${bin})`);
}
// gen and check (docs/teaching.md): for several seeds of each kind, the module's exercise is
// what `vmsim gen --format json` prints and its sheet what `vmsim gen` prints (blank and
// key); the grading of the blank sheet, the key and the key with one answer changed, as an
// answers text and as fields, is what `vmsim check --json` prints, with its exit status.
if (existsSync(bin)) {
  let exercises = 0;
  const gens = [];
  for (const seed of ['1', '2', '7', '42', '18446744073709551615']) {
    gens.push({ kind: 'translate', seed, machine: 'csapp-small' });
    gens.push({ kind: 'translate', seed, machine: 'csapp-2level', count: 2 });
  }
  for (const seed of ['1', '3', '7', '42']) gens.push({ kind: 'pages', seed });
  gens.push({ kind: 'pages', seed: '9', want: 'opt', count: 20 });
  for (const seed of ['1', '5', '9']) gens.push({ kind: 'run', seed });
  gens.push({ kind: 'translate', seed: '3', want: 'tlb-miss+cache-hit,page-fault' });
  for (const g of gens) {
    const name = `gen ${g.kind} --seed ${g.seed}${g.machine ? ` --machine ${g.machine}` : ''}` +
                 `${g.want ? ` --want ${g.want}` : ''}${g.count ? ` --count ${g.count}` : ''}`;
    const argv = name.split(' ');
    const sheets = {};
    for (const answers of [false, true]) {
      const a = answers ? ['--answers'] : [];
      const cj = spawnSync(bin, [...argv, '--format', 'json', ...a], { encoding: 'utf8' });
      const ct = spawnSync(bin, [...argv, ...a], { encoding: 'utf8' });
      const r = vm.call({ cmd: 'gen', ...g, answers });
      check(`${name}${answers ? ' --answers' : ''}`, cj.status === 0 && r.ok &&
            isDeepStrictEqual(JSON.parse(cj.stdout), r.exercise) && r.sheet === ct.stdout,
            `CLI exit ${cj.status} ${cj.stderr}, web ${r.ok ? 'differs' : r.error}`);
      sheets[answers ? 'key' : 'blank'] = ct.stdout;
    }
    exercises++;
    // one answer of problem 1 changed: Y<->N, another number, ok <-> a value
    const wrong = sheets.key.replace(/^(problem 1 (?!va |ref |question )\S+ )(.*)$/m, (m, head, v) =>
      head + (v === 'Y' ? 'N' : v === 'N' ? 'Y' : v === 'ok' ? '0x1' : v === '-' ? '0x1' : /,/.test(v) ? v.replace(/\d+/, (d) => String(Number(d) + 1)) : /^0x/.test(v) ? '0x' + (parseInt(v, 16) + 1).toString(16) : 'ok'));
    check(`${name}: a wrong answer made`, wrong !== sheets.key, 'the key was not changed');
    for (const [what, text] of Object.entries({ blank: sheets.blank, key: sheets.key, wrong })) {
      for (const mode of ['per-field', 'through-first']) {
        const cli = spawnSync(bin, ['check', '--seed', g.seed, '--mode', mode, '--json', '-'], { input: text, encoding: 'utf8' });
        const clit = spawnSync(bin, ['check', '--seed', g.seed, '--mode', mode, '-'], { input: text, encoding: 'utf8' });
        const r = vm.call({ cmd: 'check', seed: g.seed, mode, answers: text });
        // the same answers as fields, after an exercise line made from the request
        const fields = [];
        for (const m of text.matchAll(/^problem (\d+) (\S+) (.*)$/gm))
          if (!/^(va|ref|question)$/.test(m[2]) && m[3] !== '?') fields.push({ problem: Number(m[1]), field: m[2], value: m[3] });
        const rf = vm.call({ cmd: 'check', ...g, mode, fields });
        const want = cli.stdout ? JSON.parse(cli.stdout) : null;
        check(`${name}: check ${what} ${mode}`, cli.status === (what === 'key' ? 0 : 1) && r.ok &&
              isDeepStrictEqual(want, r.report) && r.text === clit.stdout && r.status === cli.status,
              `CLI exit ${cli.status} ${cli.stderr}, web ${r.ok ? JSON.stringify(r).slice(0, 300) : r.error}`);
        check(`${name}: check ${what} ${mode} as fields`, rf.ok && isDeepStrictEqual(rf.report, want) && rf.status === cli.status,
              `web ${rf.ok ? JSON.stringify(rf.report).slice(0, 300) : rf.error}`);
      }
    }
  }
  // a malformed answers file: the CLI's message, word for word (its name aside)
  const bad = 'exercise pages seed=3 count=12\nproblem 1 fault maybe\n';
  const cli = spawnSync(bin, ['check', '--seed', '3', '-'], { input: bad, encoding: 'utf8' });
  const r = vm.call({ cmd: 'check', seed: 3, answers: bad, name: '<stdin>' });
  check('check: a malformed answers file', cli.status === 2 && !r.ok && `vmsim check: ${r.error}\n` === cli.stderr,
        `CLI ${cli.status} ${cli.stderr}, web ${JSON.stringify(r)}`);
  if (exercises < 15) { console.error(`FAIL: only ${exercises} exercises compared`); fail++; }
} else {
  skipped.push(`gen and check (no ${bin})`);
}
// The fuzz corpus of vmsim_call (fuzz/corpus/fuzz_call) through the module: every input
// answered with one JSON object with "ok", none trapping (the native replay cannot see what
// only wasm32 does: its 32-bit pointers, its stack, its memory limit).
let replayed = 0;
for (const f of readdirSync('fuzz/corpus/fuzz_call').sort()) {
  const bytes = readFileSync(`fuzz/corpus/fuzz_call/${f}`);
  if (bytes.includes(0)) continue; // the module takes NUL-terminated text
  let ok;
  try {
    ok = 'ok' in JSON.parse(vm.callText(bytes.toString('latin1')));
  } catch (err) {
    ok = false;
    console.error(`fuzz_call/${f}: ${err}`);
  }
  if (!ok) check(`fuzz/corpus/fuzz_call/${f}`, false, 'no JSON answer');
  replayed++;
}
check(`the fuzz corpus replayed (${replayed} inputs)`, replayed >= 16);
console.log(`web-golden: not compared (${skipped.length}): ${skipped.join(', ')}`);
// the comparison must cover most cases: a parser change that skipped them all would pass
if (pass < 25) { console.error(`FAIL: only ${pass} checks ran`); fail++; }
console.log(`web-golden: ${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
