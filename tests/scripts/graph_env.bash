# graph_env.bash - sourced by the graph_*.sh tests with $src set (not a test itself:
# ctest runs tests/scripts/*.sh only).
#
# Under AddressSanitizer, rendering (-T svg/png/pdf) meets leaks inside Graphviz
# 2.42 and its text layout libraries; tests/scripts/graph_lsan.supp lists them.
# Their stacks go through libraries built without frame pointers, so the slow
# unwinder is needed for the suppressions to match.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$src/tests/scripts/graph_lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
