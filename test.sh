#!/usr/bin/env bash
# The tests, with their own set-up: installs the Debian packages they run for real when one is missing, lints the
# protos, runs `dotnet test PresenceHub.sln` and prints one closing line, "N passed, N failed, N skipped", summed over
# the test assemblies. Arguments go on to dotnet test: ./test.sh --filter FullyQualifiedName~RedisServer
set -euo pipefail
cd "$(dirname "$0")"

export DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The tests start real programs (servers on loopback ports, never mocks): Redis; Prosody and slixmpp, the XMPP server
# and client of the XMPP connector's acceptance test; Chromium and its driver for the admin console's and personal
# tab's browser tests; gRPC for Python and protoc with grpc_python_plugin for the Python connector sample. Node runs
# the second-language connector sample and buf; NodeSource's nodejs bundles npm, so each is added only when missing.
packages=(redis-server redis-tools prosody python3-slixmpp chromium chromium-driver
  python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

if command -v dpkg-query >/dev/null; then
  missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if ((${#missing[@]})); then
    # Waits for the dpkg lock rather than failing when another apt-get holds it.
    install=(apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}")
    if ((EUID == 0)); then
      as_root=()
    elif command -v sudo >/dev/null; then
      as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
    else
      echo "The tests need Debian packages that are not installed; as root, run: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
      exit 1
    fi
    echo "Installing ${missing[*]}"
    "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
    "${as_root[@]}" "${install[@]}" >/dev/null
    # The packages start a system Redis on 6379 and a system Prosody on 5222; the tests start their own on free
    # ports and need neither. Only services this run installed are stopped, never ones that were there before.
    if command -v service >/dev/null; then
      for service in redis-server prosody; do
        if [[ " ${missing[*]} " == *" $service "* ]]; then
          "${as_root[@]}" service "$service" stop >/dev/null 2>&1 || true
        fi
      done
    fi
  fi
else
  echo "Not a Debian system: install these yourself if a test says one is missing: ${packages[*]}" >&2
fi

status=0

# The connector API's protos follow buf's style.
if ! npx --yes @bufbuild/buf@1.75.0 lint protos; then
  echo "buf lint failed on protos/ (see above)" >&2
  status=1
fi

# The browser tests save screenshots here; CI keeps the directory as an artifact.
export PRESENCEHUB_ARTIFACTS="${PRESENCEHUB_ARTIFACTS:-$PWD/artifacts}"
mkdir -p "$PRESENCEHUB_ARTIFACTS/screenshots"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test PresenceHub.sln "$@" 2>&1 | tee "$log" || status=$?

if ! grep -qE '^(Passed|Failed)!' "$log"; then
  echo "no test assembly reported results" >&2
  status=1
fi
# One closing line for the whole run, summed over the test assemblies; printed last.
awk '/^(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
