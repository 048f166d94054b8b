// The differential test's stand-in for the Lambda runtime interface client
// (aws-lambda-nodejs-runtime-interface-client src/UserFunction.js, v3.3.0): it loads
// each handler given on the command line the way the RIC does and prints one JSON
// line per handler: {"ok":true} or {"errorType","errorMessage","code"} as Lambda
// reports them. Written for the test (the RIC's logic, not its code).
//
// Emulation, documented in differential_test.go:
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
  constructor(type, message) {
    super(message);
    this.name = type;
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
    if (e instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', String(e));
    if (e && e.code === 'MODULE_NOT_FOUND') throw new RuntimeError('Runtime.ImportModuleError', String(e));
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
    out = { errorType: e && e.name, errorMessage: cut(e && e.message), code: e && e.code };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
