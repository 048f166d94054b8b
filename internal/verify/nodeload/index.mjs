// layerkit's stand-in for the Lambda runtime interface client
// (aws-lambda-nodejs-runtime-interface-client src/UserFunction.js, v3.3.0): it loads
// each handler given on the command line the way the RIC does and prints one JSON
// line per handler: {"ok":true} or {"errorType","errorMessage","code","where"} as
// Lambda reports them (where: the first line of the function's or a layer's code in
// the error's stack, for layerkit verify). Written for layerkit (the RIC's logic, not
// its code). Used by layerkit verify, the differential test of internal/noderesolve
// and scripts/node-field-load.sh (package nodeload).
//
// The verdicts go to stdout, or, when LK_RESULT_FD is set (layerkit verify), to that
// file descriptor, a pipe layerkit opened; LK_RESULT_FD and LK_MAJOR are removed from
// the environment before any handler code runs. When every verdict is written the
// process exits: what the code left running (timers, sockets) is not waited for.
//
// Emulation, documented in differential_test.go and docs/ARCHITECTURE.md (verify):
// - Each function has its own copy of the app under its own root R (argv[2] is a
//   JSON list of {root, handler, nodePath}), so the module caches of one process never
//   mix two functions: on Lambda each function is a process of its own.
// - /var/task, /opt and /var/runtime live under R: the working folder is R/var/task,
//   NODE_PATH is the function's with R in front of each entry (Module._initPaths),
//   absolute requests for /opt/... and /var/... are moved under R (CommonJS: a
//   wrapper of Module._resolveFilename; ES modules: the resolve hook of hooks.mjs),
//   and R is cut from every message. This file runs as the first root's
//   var/runtime/index.mjs, so a require stack ends with /var/runtime/index.mjs.
// - Lambda's NODE_PATH lookup for ES modules (Node 18+, facts F13) is the resolve
//   hook of hooks.mjs.
import Module, { createRequire, register } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const items = JSON.parse(process.argv[2]);
const major = Number(process.env.LK_MAJOR);
const resultFD = process.env.LK_RESULT_FD ? Number(process.env.LK_RESULT_FD) : -1;
delete process.env.LK_MAJOR;
delete process.env.LK_RESULT_FD;
const emit = (line) => (resultFD >= 0 ? fs.writeSync(resultFD, line) : process.stdout.write(line));
let R = '';
let appRoot = '';
const require = createRequire(import.meta.url);

const moved = (s) => (typeof s === 'string' && /^\/(opt|var)(\/|$)/.test(s) && !s.startsWith(R + '/') ? R + s : s);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, moved(request), ...rest);
};
const roots = {};
for (const it of items) roots[it.root] = it.nodePath;
register(pathToFileURL(path.join(path.dirname(new URL(import.meta.url).pathname), 'hooks.mjs')), { data: { roots, major } });

class RuntimeError extends Error {
  constructor(type, message, original) {
    super(message);
    this.name = type;
    this.original = original; // the error it wraps, whose stack says where
  }
}

function typeModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, 'package.json');
  if (fs.existsSync(pj)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pj));
      if (pkg) return pkg.type === 'module';
    } catch {
      return false;
    }
  }
  if (folder === '/' || folder === R) return false; // R stands for /
  return typeModule(path.resolve(folder, '..'));
}

const tryRequire = (p) => (fs.existsSync(p) ? require(p) : undefined);
const tryImport = async (p) => (fs.existsSync(p) ? await import(p) : undefined);

async function loadModule(moduleRoot, module) {
  const p = moved(path.resolve(appRoot, moduleRoot, module));
  const direct = tryRequire(p);
  if (direct) return direct;
  const esm = typeModule(path.dirname(p));
  if (!esm) {
    const m = tryRequire(p + '.js');
    if (m) return m;
  }
  const m = (esm && (await tryImport(p + '.js'))) || (await tryImport(p + '.mjs')) || tryRequire(p + '.cjs');
  if (m) return m;
  return require(require.resolve(module, { paths: [appRoot, moved(moduleRoot)] }));
}

async function load(handler) {
  if (handler.includes('..')) {
    throw new RuntimeError('Runtime.MalformedHandlerName', `'${handler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const base = path.basename(handler);
  const moduleRoot = handler.substring(0, handler.indexOf(base));
  const match = base.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  let app;
  try {
    app = await loadModule(moduleRoot, match[1]);
  } catch (e) {
    if (e instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', String(e), e);
    if (e && e.code === 'MODULE_NOT_FOUND') throw new RuntimeError('Runtime.ImportModuleError', String(e), e);
    throw e;
  }
  const fn = match[2].split('.').reduce((o, k) => o && o[k], app);
  if (!fn) throw new RuntimeError('Runtime.HandlerNotFound', `${handler} is undefined or not exported`);
  if (typeof fn !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', `${handler} is not a function`);
}

// Node 20 also reports a CommonJS module's failure, when an ES module imported it, as
// uncaught after the import() has rejected: the verdict is already printed.
process.on('uncaughtException', () => {});
process.on('unhandledRejection', () => {});

const allRoots = Object.keys(roots).sort((a, b) => b.length - a.length);
const cut = (s) => allRoots.reduce((m, r) => m.split('file://' + r).join('file://').split(r).join(''), String(s));

// where is the first place in the function's (/var/task) or a layer's (/opt) code
// that the error's stack (or a SyntaxError's header) names: "/var/task/app.js:3".
function where(e) {
  const err = (e && e.original) || e;
  const text = cut(err && typeof err.stack === 'string' ? err.stack : '');
  const m = text.match(/(?:file:\/\/)?(\/(?:var\/task|opt)\/[^\s:()]+):(\d+)/);
  return m ? m[1] + ':' + m[2] : undefined;
}

for (const it of items) {
  R = it.root;
  appRoot = path.join(R || '/', 'var/task'); // R is '' in scripts/node-field-load.sh (a mount namespace)
  process.chdir(appRoot);
  process.env.NODE_PATH = it.nodePath.join(':');
  Module._initPaths();
  let out;
  try {
    await load(it.handler);
    out = { ok: true };
  } catch (e) {
    out = { errorType: e && e.name, errorMessage: cut(e && e.message), code: e && e.code, where: where(e) };
  }
  emit(JSON.stringify(out) + '\n');
}
process.exit(0);
