// ES module resolve hook of the differential test (see index.mjs):
// - absolute specifiers for /opt/... and /var/... are moved under LK_ROOT;
// - Lambda's NODE_PATH lookup for ES modules from Node 18 (facts F13), in the reading
//   layerkit takes (noderesolve/esm.go): on ERR_MODULE_NOT_FOUND for a bare specifier,
//   each NODE_PATH entry ending in /node_modules that has a folder for the package is
//   tried as a node_modules folder of the walk; when all fail the original error stands.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let R = '';
let nodePath = [];

export function initialize(data) {
  R = data.R;
  nodePath = data.major >= 18 ? data.nodePath : []; // Lambda's lookup is from Node 18
}

const bare = (s) => !/^(\.|\/|#|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(s);

function packageName(s) {
  const parts = s.split('/');
  return s.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export async function resolve(specifier, context, next) {
  if (/^\/(opt|var)(\/|$)/.test(specifier) && !specifier.startsWith(R + '/')) specifier = R + specifier;
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
