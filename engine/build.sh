#!/usr/bin/env bash
# Builds the Pulumi CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi, from the Go module
# proxy) at the version of the lockfile's @pulumi/pulumi, plus authguard's own language
# hosts from engine/build/cmd/ (pulumi-language-nodejs, pulumi-language-python: the proxy
# refuses the upstream hosts' modules), into a cache outside the repository:
#   ${AUTHGUARD_ENGINE_DIR:-$HOME/.cache/authguard/engine}/v<version>/bin
# and Pulumi YAML's language host (github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml,
# `go install` of its own module, which builds against its own pulumi modules; the protocol
# the CLI speaks to it is the same) beside it, in yaml-host-<yaml version>/.
# Idempotent: when those folders hold binaries built from the same versions and the same
# engine/build sources, it only says so. `--print-bin-dir` / `--print-yaml-host-dir` print
# a folder and exit.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build_src="$repo/engine/build"
version=$(node -p "require('$repo/package-lock.json').packages['node_modules/@pulumi/pulumi'].version")
root="${AUTHGUARD_ENGINE_DIR:-$HOME/.cache/authguard/engine}"
out="$root/v$version"
bin="$out/bin"
yaml_version=v1.25.0
yaml_dir="$out/yaml-host-$yaml_version"

case "${1:-}" in
  --print-bin-dir) echo "$bin"; exit 0 ;;
  --print-yaml-host-dir) echo "$yaml_dir"; exit 0 ;;
esac

# Pulumi YAML's language host: a module of its own at a fixed version, so its folder name is its stamp.
build_yaml_host() {
  if [ -x "$yaml_dir/pulumi-language-yaml" ]; then
    echo "engine: pulumi-language-yaml $yaml_version is up to date in $yaml_dir"
    return
  fi
  command -v go >/dev/null || { echo "engine: the Go toolchain (go) is needed to build pulumi-language-yaml; install Go >= 1.25" >&2; exit 1; }
  local staging="$yaml_dir.staging.$$" start
  start=$(date +%s)
  echo "engine: building pulumi-language-yaml $yaml_version into $yaml_dir"
  mkdir -p "$staging"
  (cd "$(mktemp -d)" && GOBIN="$staging" go install "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$yaml_version") \
    || { rm -rf "$staging"; exit 1; }
  # Renamed into place when complete; a concurrent build that finished first wins.
  mv -T "$staging" "$yaml_dir" 2>/dev/null || rm -rf "$staging"
  [ -x "$yaml_dir/pulumi-language-yaml" ] || { echo "engine: pulumi-language-yaml missing in $yaml_dir" >&2; exit 1; }
  echo "engine: built pulumi-language-yaml in $(( $(date +%s) - start )) s"
}

# The stamp ties the binaries to the version and to our build sources, so a change to
# either rebuilds and nothing else does.
stamp=$( { echo "$version"; go version 2>/dev/null || true; cd "$build_src" && find . -type f | LC_ALL=C sort | xargs sha256sum; } | sha256sum | cut -d' ' -f1)
binaries=(pulumi pulumi-language-nodejs pulumi-language-python)
up_to_date=true
for b in "${binaries[@]}"; do [ -x "$bin/$b" ] || up_to_date=false; done
if $up_to_date && [ "$(cat "$bin/.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "engine: Pulumi CLI v$version is up to date in $bin"
  build_yaml_host
  exit 0
fi

command -v go >/dev/null || { echo "engine: the Go toolchain (go) is needed to build the Pulumi CLI; install Go >= 1.25" >&2; exit 1; }

work=$(mktemp -d)
staging="$out/bin.staging.$$"
trap 'rm -rf "$work" "$staging"' EXIT
cp -R "$build_src/." "$work/"
mkdir -p "$staging"

echo "engine: building the Pulumi CLI v$version and language hosts into $bin"
echo "engine: go module proxy: $(go env GOPROXY); module cache: $(go env GOMODCACHE); build cache: $(go env GOCACHE)"
cd "$work"
# Pin the CLI and SDK modules to the lockfile's version (the committed go.mod/go.sum
# carry the current one).
go mod edit -require="github.com/pulumi/pulumi/pkg/v3@v$version" -require="github.com/pulumi/pulumi/sdk/v3@v$version"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
start=$(date +%s)
set -x
go build -trimpath \
  -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
  -o "$staging/" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./cmd/pulumi-language-nodejs ./cmd/pulumi-language-python
{ set +x; } 2>/dev/null
echo "$stamp" > "$staging/.stamp"
# Swap the finished folder in by rename, so a half-built bin/ is never used.
rm -rf "$bin.old"
[ -d "$bin" ] && mv "$bin" "$bin.old"
mv "$staging" "$bin"
rm -rf "$bin.old"
echo "engine: built in $(( $(date +%s) - start )) s: $("$bin/pulumi" version) in $bin"
build_yaml_host
