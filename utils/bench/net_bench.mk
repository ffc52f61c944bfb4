# The safety net's benchmark (INTERCEPT_EXHAUSTIVE=1): a call caught by the
# net, the fast path, a site caught once then patched, beside native calls;
# the start of /bin/true with the net on and off; the calls the net catches
# in runs of python3, gcc and sqlite3. Uses intercept_bench's hook.
BENCHES += utils/bench/net_bench
BENCH_PROGRAMS += $(B)/utils/bench/net_bench $(LIBOUT)/intercept_bench_hook.so

$(B)/utils/bench/net_bench: $(B)/utils/bench/net_bench.o \
		$(B)/utils/bench/bench_spawn.o
	$(CC) $(LDFLAGS) -o $@ $^

LINT_SOURCES += utils/bench/net_bench.c
