// ES module resolve hook of the differential test (see index.mjs):
// - absolute specifiers for /opt/... and /var/... are moved under the importing
//   file's function root;
// - Lambda's NODE_PATH lookup for ES modules from Node 18 (facts F13), in the reading
//   layerkit takes (noderesolve/esm.go): on ERR_MODULE_NOT_FOUND for a bare specifier,
//   each NODE_PATH entry ending in /node_modules that has a folder for the package is
//   tried as a node_modules folder of the walk; when all fail the original error stands.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let roots = {}; // root → NODE_PATH entries (under the root)

export function initialize(data) {
  roots = data.roots;
  if (data.major < 18) for (const r of Object.keys(roots)) roots[r] = []; // Lambda's lookup is from Node 18
}

// rootOf returns the function root the importing file lies in.
function rootOf(parentURL) {
  const p = parentURL ? new URL(parentURL).pathname : '';
  for (const r of Object.keys(roots)) if (p.startsWith(r + '/')) return r;
  return '';
}

const bare = (s) => !/^(\.|\/|#|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(s);

function packageName(s) {
  const parts = s.split('/');
  return s.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export async function resolve(specifier, context, next) {
  const R = rootOf(context.parentURL);
  const nodePath = roots[R] || [];
  if (R && /^\/(opt|var)(\/|$)/.test(specifier) && !specifier.startsWith(R + '/')) specifier = R + specifier;
  try {
    return await next(specifier, context);
  } catch (e) {
    if (!e || e.code !== 'ERR_MODULE_NOT_FOUND' || !bare(specifier)) throw e;
    const name = packageName(specifier);
    for (const entry of nodePath) {
      if (path.basename(entry) !== 'node_modules') continue;
      const st = fs.statSync(path.join(entry, name), { throwIfNoEntry: false });
      if (!st || !st.isDirectory()) continue;
      try {
        return await next(specifier, { ...context, parentURL: pathToFileURL(path.join(path.dirname(entry), '[nodepath]')).href });
      } catch {
        // the next entry
      }
    }
    throw e;
  }
}
