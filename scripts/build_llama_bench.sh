#!/usr/bin/env bash
# Builds llama.cpp's own `llama-bench` beside the project (in .build-llama/, git-ignored), as the speed
# reference for scripts/bench_vs_llamacpp.py. The source is the llama.cpp that the pinned
# llama-cpp-python release vendors (the same engine the parity goldens were made with), downloaded
# from PyPI; nothing of it enters the repository. Needs cmake and ninja (pip install cmake ninja).
#   bash scripts/build_llama_bench.sh            # -> .build-llama/build/bin/llama-bench
set -euo pipefail
VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/.build-llama"
mkdir -p "$OUT"
cd "$OUT"
if [ ! -d src ]; then
  python3 - "$VERSION" <<'PY'
import json, sys, tarfile, urllib.request, io, os, shutil
version = sys.argv[1]
req = urllib.request.Request("https://pypi.org/simple/llama-cpp-python/",
                             headers={"Accept": "application/vnd.pypi.simple.v1+json"})
files = json.load(urllib.request.urlopen(req))["files"]
sdist = next(f for f in files if f["filename"] in (f"llama_cpp_python-{version}.tar.gz", f"llama-cpp-python-{version}.tar.gz"))
print("downloading", sdist["filename"], file=sys.stderr)
data = urllib.request.urlopen(sdist["url"]).read()
with tarfile.open(fileobj=io.BytesIO(data)) as tf:
    members = []
    for m in tf.getmembers():
        parts = m.name.split("/")
        if len(parts) > 3 and parts[1:3] == ["vendor", "llama.cpp"]:
            m.name = "src/" + "/".join(parts[3:])
            members.append(m)
    tf.extractall(".", members=members, filter="data")
PY
fi
command -v cmake >/dev/null || pip install -q cmake ninja
cmake -S src -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=ON >/dev/null
ninja -C build llama-bench >/dev/null
echo "$OUT/build/bin/llama-bench"
