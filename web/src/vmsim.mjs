// vmsim.mjs: loads vmsim.wasm (the C core built for wasm32-wasi, docs/web.md) in a browser
// or in Node and answers requests through its one entry point, vmsim_call.
//
//   import { load } from './vmsim.mjs';
//   const vm = await load();              // vmsim.wasm next to this file (or load(bytes|url))
//   const r = vm.call({ cmd: 'pages', frames: 3, policy: 'lru', refs: '1 2 3 1 4' });
//
// The module imports a few WASI preview1 functions; this file supplies them itself, with a
// small in-memory file system (the scenario runs' working directories and swap files live
// there, under /tmp), so nothing else is needed in either host.

const E = { SUCCESS: 0, BADF: 8, EXIST: 20, INVAL: 28, ISDIR: 31, NOENT: 44, NOSYS: 52,
            NOTDIR: 54, NOTEMPTY: 55, SPIPE: 70 };
const FT = { CHAR: 2, DIR: 3, FILE: 4 };
const ALL_RIGHTS = 0xffffffffffffffffn;

class ExitError extends Error {
  constructor(code) { super(`vmsim.wasm exited with status ${code}`); this.code = code; }
}

function dirNode(parent) {
  const d = { type: 'dir', entries: new Map(), parent: null, ino: 0 };
  d.parent = parent || d;
  return d;
}

// The WASI functions vmsim.wasm imports, over an in-memory tree rooted at "/" (fd 3).
function makeWasi(getMemory, log) {
  let inoNext = 1;
  const root = dirNode(null);
  root.ino = inoNext++;
  const tmp = dirNode(root);
  tmp.ino = inoNext++;
  root.entries.set('tmp', tmp);
  const fds = new Map();
  fds.set(3, { node: root, pos: 0, append: false });
  let fdNext = 4;
  const dec = new TextDecoder();
  const text = { 1: '', 2: '' };

  const view = () => new DataView(getMemory().buffer);
  const bytes = () => new Uint8Array(getMemory().buffer);
  const str = (p, n) => dec.decode(bytes().subarray(p, p + n));

  // Resolve path (relative to the directory of fd) to [parent dir, last name, node or undefined].
  function lookup(fd, path) {
    const f = fds.get(fd);
    if (!f || f.node.type !== 'dir') return { err: E.BADF };
    let dir = path.startsWith('/') ? root : f.node;
    const parts = path.split('/').filter((s) => s !== '' && s !== '.');
    if (parts.length === 0) return { dir: dir.parent, name: '.', node: dir };
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i];
      if (p === '..') { dir = dir.parent; continue; }
      const next = dir.entries.get(p);
      if (!next) return { err: E.NOENT };
      if (next.type !== 'dir') return { err: E.NOTDIR };
      dir = next;
    }
    const last = parts[parts.length - 1];
    if (last === '..') return { dir: dir.parent.parent, name: '..', node: dir.parent };
    return { dir, name: last, node: dir.entries.get(last) };
  }

  function filestat(node, p) {
    const v = view();
    v.setBigUint64(p, 1n, true); // dev
    v.setBigUint64(p + 8, BigInt(node.ino), true);
    v.setUint8(p + 16, node.type === 'dir' ? FT.DIR : node.type === 'char' ? FT.CHAR : FT.FILE);
    v.setBigUint64(p + 24, 1n, true);
    v.setBigUint64(p + 32, BigInt(node.type === 'file' ? node.size : 0), true);
    v.setBigUint64(p + 40, 0n, true);
    v.setBigUint64(p + 48, 0n, true);
    v.setBigUint64(p + 56, 0n, true);
  }

  function grow(node, size) {
    if (size > node.data.length) {
      const d = new Uint8Array(Math.max(size, node.data.length * 2, 4096));
      d.set(node.data.subarray(0, node.size));
      node.data = d;
    }
  }

  function iovs(ptr, n) {
    const v = view();
    const out = [];
    for (let i = 0; i < n; i++)
      out.push([v.getUint32(ptr + 8 * i, true), v.getUint32(ptr + 8 * i + 4, true)]);
    return out;
  }

  function readAt(node, pos, list) {
    let done = 0;
    const mem = bytes();
    for (const [p, n] of list) {
      const k = Math.max(0, Math.min(n, node.size - pos));
      mem.set(node.data.subarray(pos, pos + k), p);
      pos += k;
      done += k;
      if (k < n) break;
    }
    return done;
  }

  function writeAt(node, pos, list) {
    let done = 0;
    for (const [p, n] of list) {
      grow(node, pos + n);
      node.data.set(bytes().subarray(p, p + n), pos);
      pos += n;
      done += n;
      if (pos > node.size) node.size = pos;
    }
    return done;
  }

  const wasi = {
    args_get: () => E.SUCCESS,
    args_sizes_get: (c, s) => { const v = view(); v.setUint32(c, 0, true); v.setUint32(s, 0, true); return E.SUCCESS; },
    environ_get: () => E.SUCCESS,
    environ_sizes_get: (c, s) => { const v = view(); v.setUint32(c, 0, true); v.setUint32(s, 0, true); return E.SUCCESS; },
    clock_time_get: (id, prec, p) => { view().setBigUint64(p, BigInt(Date.now()) * 1000000n, true); return E.SUCCESS; },
    proc_exit: (code) => { throw new ExitError(code); },
    random_get: (p, n) => { const m = bytes(); for (let i = 0; i < n; i++) m[p + i] = (Math.random() * 256) | 0; return E.SUCCESS; },
    fd_prestat_get: (fd, p) => {
      if (fd !== 3) return E.BADF;
      const v = view();
      v.setUint8(p, 0);
      v.setUint32(p + 4, 1, true);
      return E.SUCCESS;
    },
    fd_prestat_dir_name: (fd, p, n) => {
      if (fd !== 3) return E.BADF;
      if (n >= 1) bytes()[p] = 0x2f; // "/"
      return E.SUCCESS;
    },
    fd_fdstat_get: (fd, p) => {
      const v = view();
      let type;
      if (fd <= 2) type = FT.CHAR;
      else if (fds.has(fd)) type = fds.get(fd).node.type === 'dir' ? FT.DIR : FT.FILE;
      else return E.BADF;
      v.setUint8(p, type);
      v.setUint16(p + 2, fds.get(fd)?.append ? 1 : 0, true);
      v.setBigUint64(p + 8, ALL_RIGHTS, true);
      v.setBigUint64(p + 16, ALL_RIGHTS, true);
      return E.SUCCESS;
    },
    fd_fdstat_set_flags: () => E.SUCCESS,
    fd_filestat_get: (fd, p) => {
      if (fd <= 2) { filestat({ type: 'char', ino: 100 + fd }, p); return E.SUCCESS; }
      const f = fds.get(fd);
      if (!f) return E.BADF;
      filestat(f.node, p);
      return E.SUCCESS;
    },
    fd_filestat_set_size: (fd, size) => {
      const f = fds.get(fd);
      if (!f) return E.BADF;
      if (f.node.type !== 'file') return E.ISDIR;
      const n = Number(size);
      grow(f.node, n);
      if (n < f.node.size) f.node.data.fill(0, n, f.node.size);
      f.node.size = n;
      return E.SUCCESS;
    },
    path_filestat_get: (fd, flags, p, n, out) => {
      const r = lookup(fd, str(p, n));
      if (r.err) return r.err;
      if (!r.node) return E.NOENT;
      filestat(r.node, out);
      return E.SUCCESS;
    },
    path_open: (fd, dirflags, p, n, oflags, rb, ri, fdflags, out) => {
      const r = lookup(fd, str(p, n));
      if (r.err) return r.err;
      let node = r.node;
      if (node && (oflags & 4) && (oflags & 1)) return E.EXIST;
      if (!node) {
        if (!(oflags & 1)) return E.NOENT;
        node = { type: 'file', data: new Uint8Array(0), size: 0, ino: inoNext++ };
        r.dir.entries.set(r.name, node);
      }
      if ((oflags & 2) && node.type !== 'dir') return E.NOTDIR;
      if (node.type === 'file' && (oflags & 8)) node.size = 0;
      const nfd = fdNext++;
      fds.set(nfd, { node, pos: 0, append: (fdflags & 1) !== 0 });
      view().setUint32(out, nfd, true);
      return E.SUCCESS;
    },
    fd_close: (fd) => (fds.delete(fd) || fd <= 2 ? E.SUCCESS : E.BADF),
    fd_read: (fd, ip, il, out) => {
      const f = fds.get(fd);
      if (fd === 0) { view().setUint32(out, 0, true); return E.SUCCESS; }
      if (!f) return E.BADF;
      if (f.node.type !== 'file') return E.ISDIR;
      const k = readAt(f.node, f.pos, iovs(ip, il));
      f.pos += k;
      view().setUint32(out, k, true);
      return E.SUCCESS;
    },
    fd_pread: (fd, ip, il, off, out) => {
      const f = fds.get(fd);
      if (!f) return E.BADF;
      if (f.node.type !== 'file') return E.ISDIR;
      view().setUint32(out, readAt(f.node, Number(off), iovs(ip, il)), true);
      return E.SUCCESS;
    },
    fd_write: (fd, ip, il, out) => {
      const list = iovs(ip, il);
      if (fd === 1 || fd === 2) {
        let k = 0;
        for (const [p, n] of list) { text[fd] += str(p, n); k += n; }
        let nl;
        while ((nl = text[fd].indexOf('\n')) >= 0) { log(fd, text[fd].slice(0, nl)); text[fd] = text[fd].slice(nl + 1); }
        view().setUint32(out, k, true);
        return E.SUCCESS;
      }
      const f = fds.get(fd);
      if (!f) return E.BADF;
      if (f.node.type !== 'file') return E.ISDIR;
      if (f.append) f.pos = f.node.size;
      const k = writeAt(f.node, f.pos, list);
      f.pos += k;
      view().setUint32(out, k, true);
      return E.SUCCESS;
    },
    fd_pwrite: (fd, ip, il, off, out) => {
      const f = fds.get(fd);
      if (!f) return E.BADF;
      if (f.node.type !== 'file') return E.ISDIR;
      view().setUint32(out, writeAt(f.node, Number(off), iovs(ip, il)), true);
      return E.SUCCESS;
    },
    fd_seek: (fd, off, whence, out) => {
      const f = fds.get(fd);
      if (fd <= 2) return E.SPIPE;
      if (!f) return E.BADF;
      const base = whence === 0 ? 0 : whence === 1 ? f.pos : f.node.size || 0;
      const pos = base + Number(off);
      if (pos < 0) return E.INVAL;
      f.pos = pos;
      view().setBigUint64(out, BigInt(pos), true);
      return E.SUCCESS;
    },
    fd_sync: () => E.SUCCESS,
    fd_datasync: () => E.SUCCESS,
    path_create_directory: (fd, p, n) => {
      const r = lookup(fd, str(p, n));
      if (r.err) return r.err;
      if (r.node) return E.EXIST;
      const d = dirNode(r.dir);
      d.ino = inoNext++;
      r.dir.entries.set(r.name, d);
      return E.SUCCESS;
    },
    path_remove_directory: (fd, p, n) => {
      const r = lookup(fd, str(p, n));
      if (r.err) return r.err;
      if (!r.node) return E.NOENT;
      if (r.node.type !== 'dir') return E.NOTDIR;
      if (r.node.entries.size) return E.NOTEMPTY;
      r.dir.entries.delete(r.name);
      return E.SUCCESS;
    },
    path_unlink_file: (fd, p, n) => {
      const r = lookup(fd, str(p, n));
      if (r.err) return r.err;
      if (!r.node) return E.NOENT;
      if (r.node.type === 'dir') return E.ISDIR;
      r.dir.entries.delete(r.name); // an open descriptor keeps the node, as on POSIX
      return E.SUCCESS;
    },
  };
  // Anything else the module might import answers "not supported".
  return new Proxy(wasi, { get: (t, k) => (k in t ? t[k] : () => E.NOSYS) });
}

async function wasmBytes(source) {
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return source;
  const url = source ? new URL(source, import.meta.url) : new URL('./vmsim.wasm', import.meta.url);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`);
  return r.arrayBuffer();
}

// Load vmsim.wasm: source is its bytes, or a URL or path relative to this file (default
// ./vmsim.wasm). options.log(fd, line) receives what the module writes on stdout (1) or
// stderr (2), which the library never does (default: dropped).
export async function load(source, options = {}) {
  let memory = null;
  const log = options.log || (() => {});
  const wasi = makeWasi(() => memory, log);
  const { instance } = await WebAssembly.instantiate(await wasmBytes(source),
                                                     { wasi_snapshot_preview1: wasi });
  const x = instance.exports;
  memory = x.memory;
  x._initialize();
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  // One request as JSON text in, the response's JSON text out.
  function callText(request) {
    const b = enc.encode(request);
    const p = x.vmsim_alloc(b.length + 1);
    if (!p) throw new Error('vmsim.wasm: out of memory for the request');
    const m = new Uint8Array(memory.buffer); // views are made again after every call
    m.set(b, p);
    m[p + b.length] = 0;
    let r;
    try {
      r = x.vmsim_call(p);
    } finally {
      x.vmsim_call_free(p);
    }
    if (!r) throw new Error('vmsim.wasm: out of memory for the response');
    const mem = new Uint8Array(memory.buffer);
    let end = r;
    while (mem[end]) end++;
    const s = dec.decode(mem.subarray(r, end));
    x.vmsim_call_free(r);
    return s;
  }

  return {
    // request: an object (docs/web.md); returns the response object.
    call: (request) => JSON.parse(callText(JSON.stringify(request))),
    callText,
  };
}
