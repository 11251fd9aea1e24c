#!/bin/sh
# Generates the Python gRPC modules from ../../protos into generated/ (git-ignored).
# Needs Debian's protobuf-compiler and protobuf-compiler-grpc (protoc and /usr/bin/grpc_python_plugin).
# Skips the work when generated/ is newer than every proto; a lock keeps concurrent runs from interleaving.
set -eu
cd "$(dirname "$0")"
exec 9<generate.sh
flock 9

protos=../../protos
plugin=${GRPC_PYTHON_PLUGIN:-/usr/bin/grpc_python_plugin}
if [ -f generated/.stamp ] && [ ! generate.sh -nt generated/.stamp ] && [ -z "$(find "$protos" -name '*.proto' -newer generated/.stamp)" ]; then
  exit 0
fi

for tool in protoc "$plugin"; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "generate.sh: $tool not found; install it with: apt-get install -y protobuf-compiler protobuf-compiler-grpc" >&2
    exit 2
  }
done

rm -rf generated.tmp
mkdir generated.tmp
# /usr/include holds the well-known types (google/protobuf/duration.proto, timestamp.proto) on Debian.
protoc -I "$protos" -I /usr/include \
  --python_out=generated.tmp --grpc_out=generated.tmp --plugin=protoc-gen-grpc="$plugin" \
  "$protos"/presencehub/v1/*.proto
touch generated.tmp/.stamp
rm -rf generated
mv generated.tmp generated
