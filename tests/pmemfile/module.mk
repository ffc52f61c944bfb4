# Tests of libpmemfile-posix: the reference-comparison harness and the family
# tests built on it (ref_*), pool tests, crash consistency and threads.
# The library's own core tests live in core.mk.
-include tests/pmemfile/core.mk
