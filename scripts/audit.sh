#!/usr/bin/env bash
# Audit every package installed in .venv for known vulnerabilities (pip-audit).
#
#   scripts/audit.sh            # or: make audit
#   AUDIT_SERVICE=osv scripts/audit.sh
#
# pip-audit runs from its own venv (var/audit-venv): it needs packaging>=23 and CacheControl>=0.13,
# which Rasa 3.6 forbids (packaging<21, CacheControl<0.13), so it cannot live in .venv.
# It audits the exact versions in .venv (pip freeze) without resolving or installing anything.
# Vulnerability IDs listed in SECURITY.md under "Accepted findings" are ignored, each with its reason
# there. Exit codes: 0 no unaccepted finding, 1 findings, 2 the audit could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT_VERSION="2.10.1"
SERVICE="${AUDIT_SERVICE:-pypi}"
VENV=".venv"
AUDIT_VENV="var/audit-venv"

fail() { echo "audit: error: $*" >&2; exit 2; }

[ -x "$VENV/bin/python" ] || fail "no $VENV: run \`make install\` first."
case "$SERVICE" in pypi|osv) ;; *) fail "AUDIT_SERVICE must be pypi or osv, not '$SERVICE'." ;; esac

if [ "$("$AUDIT_VENV/bin/pip-audit" --version 2>/dev/null)" != "pip-audit $PIP_AUDIT_VERSION" ]; then
  echo "audit: installing pip-audit $PIP_AUDIT_VERSION into $AUDIT_VENV …"
  mkdir -p var
  "$VENV/bin/python" -m venv "$AUDIT_VENV" || fail "could not create $AUDIT_VENV."
  "$AUDIT_VENV/bin/python" -m pip install -q --disable-pip-version-check "pip-audit==$PIP_AUDIT_VERSION" \
    2> >(grep -v '^WARNING: Location' >&2) || fail "could not install pip-audit==$PIP_AUDIT_VERSION from PyPI."
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$VENV/bin/python" -m pip freeze --disable-pip-version-check --exclude-editable >"$work/installed.txt"
sed -i '/^-e /d; /^#/d; / @ file:/d' "$work/installed.txt"
[ -s "$work/installed.txt" ] || fail "pip freeze listed no packages in $VENV."

# Without this check pip-audit reports an unreachable service as "Dependency not found on PyPI"
# for each package — and, without --strict, passes.
probe_name="pip"
probe_version="$("$VENV/bin/python" -m pip --version | cut -d' ' -f2)"
if [ "$SERVICE" = pypi ]; then
  probe_url="https://pypi.org/pypi/$probe_name/$probe_version/json"
  status="$("$AUDIT_VENV/bin/python" - "$probe_url" <<'EOF'
import json, sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=20) as r:
        print("ok" if "vulnerabilities" in json.load(r) else "answer without a 'vulnerabilities' field")
except urllib.error.HTTPError as e:
    print(f"HTTP {e.code}")
except Exception as e:
    print(type(e).__name__)
EOF
)"
else
  probe_url="https://api.osv.dev/v1/query"
  status="$("$AUDIT_VENV/bin/python" - "$probe_url" "$probe_name" "$probe_version" <<'EOF'
import json, sys, urllib.request, urllib.error
body = json.dumps({"package": {"name": sys.argv[2], "ecosystem": "PyPI"}, "version": sys.argv[3]}).encode()
try:
    req = urllib.request.Request(sys.argv[1], data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as r:
        json.load(r)
        print("ok")
except urllib.error.HTTPError as e:
    print(f"HTTP {e.code}")
except Exception as e:
    print(type(e).__name__)
EOF
)"
fi
[ "$status" = ok ] || fail "the vulnerability service '$SERVICE' cannot be used from here ($probe_url: $status). \
Nothing was audited. Run the audit where it is reachable, or try AUDIT_SERVICE=$([ "$SERVICE" = pypi ] && echo osv || echo pypi)."

ignore=()
accepted=0
while read -r id; do
  ignore+=(--ignore-vuln "$id")
  accepted=$((accepted + 1))
done < <(sed -n '/^## Accepted findings/,/^## /p' SECURITY.md | grep -oE '^\| *(PYSEC|GHSA|CVE|OSV)-[A-Za-z0-9-]+' | tr -d '| ')

echo "audit: $(wc -l <"$work/installed.txt") packages from $VENV against '$SERVICE'" \
     "($accepted accepted finding(s) from SECURITY.md ignored) …"
set +e
# --strict: a package the service does not know fails the audit instead of being skipped.
"$AUDIT_VENV/bin/pip-audit" --strict --no-deps --disable-pip --progress-spinner off --desc on \
  --vulnerability-service "$SERVICE" --requirement "$work/installed.txt" "${ignore[@]}"
rc=$?
set -e
if [ $rc -ne 0 ]; then
  echo "audit: FAILED: fix each finding above (upgrade within Rasa 3.6's pins) or document it in" \
       "SECURITY.md under 'Accepted findings' with its reason." >&2
  exit 1
fi
echo "audit: no unaccepted findings."
