# libsyscall_intercept's benchmark: a native getppid beside the same call
# through a pass-through hook and answered by the hook, and the start of
# /bin/true with and without the library preloaded.
BENCHES += utils/bench/intercept_bench
BENCH_PROGRAMS += $(B)/utils/bench/intercept_bench $(LIBOUT)/intercept_bench_hook.so

$(B)/utils/bench/intercept_bench: $(B)/utils/bench/intercept_bench.o \
		$(B)/utils/bench/bench_spawn.o
	$(CC) $(LDFLAGS) -o $@ $^

$(LIBOUT)/intercept_bench_hook.so: $(B)/utils/bench/intercept_bench_hook.o \
		$(LIBSYSCALL_INTERCEPT_SO)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -shared -o $@ $< -L$(LIBOUT) -lsyscall_intercept \
		$(RPATH)

LINT_SOURCES += utils/bench/intercept_bench.c utils/bench/intercept_bench_hook.c \
	utils/bench/bench_spawn.c
