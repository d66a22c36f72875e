#!/usr/bin/env bash
# HIL benchmarks: round trip and missed deadlines at 100/500/1000 Hz over the embedded broker and
# a loopback Mosquitto (started here if installed), loop period error at 1 kHz with the in-process
# SimAdapter, and 64x64 inference latency (FloatMlp and ONNX import; --inference-only for just those, --onnx-model FILE to time an ONNX file); round-trip cases run with both loop triggers
# (state, periodic; --triggers state to choose). See docs/runtime.md for what each figure means.
# Extra arguments go to `actuate bench hil`, e.g. --seconds 60 (default 2 per case; the goals are
# stated over 60 s), --mosquitto-url tcp://127.0.0.1:1883, or --kernel-trace DIR (Linux, as root: names
# each missed deadline's cause from a kernel trace; docs/runtime.md).
# The last line is one JSON object. Record figures in docs/benchmarks.md with the machine used.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$ROOT/scripts/actuate" bench hil --json "$@"
