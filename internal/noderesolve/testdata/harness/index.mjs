// The differential test's stand-in for the Lambda runtime interface client
// (aws-lambda-nodejs-runtime-interface-client src/UserFunction.js, v3.3.0): it loads
// each handler given on the command line the way the RIC does and prints one JSON
// line per handler: {"ok":true} or {"errorType","errorMessage","code"} as Lambda
// reports them. Written for the test (the RIC's logic, not its code).
//
// Emulation, documented in differential_test.go:
// - /var/task, /opt and /var/runtime live under LK_ROOT: this file is
//   LK_ROOT/var/runtime/index.mjs (so a require stack ends with /var/runtime/index.mjs
//   once LK_ROOT is cut from the messages), the working folder is LK_ROOT/var/task,
//   NODE_PATH is the function's with LK_ROOT in front of each entry, and absolute
//   requests for /opt/... and /var/... are moved under LK_ROOT (CommonJS: a wrapper of
//   Module._resolveFilename; ES modules: the resolve hook of hooks.mjs).
// - Lambda's NODE_PATH lookup for ES modules (Node 18+, facts F13) is the resolve
//   hook of hooks.mjs.
import Module, { createRequire, register } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const R = process.env.LK_ROOT;
const major = Number(process.env.LK_MAJOR);
const appRoot = path.join(R, 'var/task');
const require = createRequire(import.meta.url);

const moved = (s) => (typeof s === 'string' && /^\/(opt|var)(\/|$)/.test(s) && !s.startsWith(R + '/') ? R + s : s);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, moved(request), ...rest);
};
const nodePath = (process.env.NODE_PATH || '').split(':').filter(Boolean);
register(pathToFileURL(path.join(R, 'var/runtime/hooks.mjs')), { data: { R, nodePath, major } });

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

const cut = (s) => String(s).split('file://' + R).join('file://').split(R).join('');

for (const handler of JSON.parse(process.argv[2])) {
  let out;
  try {
    await load(handler);
    out = { ok: true };
  } catch (e) {
    out = { errorType: e && e.name, errorMessage: cut(e && e.message), code: e && e.code };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
