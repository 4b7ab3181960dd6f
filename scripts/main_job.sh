#!/usr/bin/env bash
# The main job: the reference compiler as the "model" (no LLM needed), at -O3 and at -O0,
# through the whole agent pipeline on the built-in suite's test split, x86_64.
set -euo pipefail
cd "$(dirname "$0")/.."
NCB=.venv/bin/neucomback
$NCB bench --model llc:O3 --suite builtin --split test --target x86_64 --run-dir runs/llc-O3 "$@"
$NCB bench --model llc:O0 --suite builtin --split test --target x86_64 --run-dir runs/llc-O0 "$@"
$NCB report runs/llc-O3 -o runs/llc-O3/report.html --markdown runs/llc-O3/report.md
$NCB report runs/llc-O0 -o runs/llc-O0/report.html --markdown runs/llc-O0/report.md
$NCB compare runs/llc-O0 runs/llc-O3 --html runs/compare.html
echo "reports: runs/llc-O3/report.html runs/llc-O0/report.html runs/compare.html"
