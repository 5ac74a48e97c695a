#!/usr/bin/env bash
# Runs the test suite under a sanitizer: `Scripts/sanitize.sh thread|address [swift test args…]`.
#
# Not part of .ci/run (a sanitizer build and run take longer than CI's time budget allows); run it
# before landing changes to the engine, the gateway or the workspace. Each sanitizer builds into
# its own scratch directory (.build-tsan, .build-asan), so the normal build stays untouched.
# Address runs fail on any leak not explained in Scripts/sanitizers/lsan.supp.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

usage() { echo "usage: Scripts/sanitize.sh thread|address [swift test arguments, e.g. --filter Engine]" >&2; }
case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    thread) scratch=.build-tsan; order=() ;;
    # One test at a time: under ASan on a small machine, 648 tests started at once outwait the
    # tests' own time limits (every test passed alone and in order).
    address) scratch=.build-asan; order=(--no-parallel) ;;
    *) usage; exit 2 ;;
esac
sanitizer="$1"; shift

echo "sanitize: building with --sanitize=$sanitizer into $scratch (first build: several minutes)"
swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"

export LSAN_OPTIONS="suppressions=$PWD/Scripts/sanitizers/lsan.supp:print_suppressions=0"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
echo "sanitize: running the tests under $sanitizer sanitizer"
swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" --disable-xctest "${order[@]}" "$@"
