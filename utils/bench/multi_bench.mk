# Several processes on one pool: utils/bench/multi_bench.sh runs a shell
# loop, make -j2, tar c | tar x and two appenders on a mount, each beside
# the same on /dev/shm and on /dev/shm under the shim; multi_bench_calls
# times a forwarded call and a hand-over through the C API.
BENCHES += utils/bench/multi_bench
BENCH_PROGRAMS += $(B)/utils/bench/multi_bench_append \
	$(B)/utils/bench/multi_bench_calls
$(B)/utils/bench/multi_bench_append: $(B)/utils/bench/multi_bench_append.o
	$(CC) $(LDFLAGS) -o $@ $^
$(B)/utils/bench/multi_bench_calls: $(B)/utils/bench/multi_bench_calls.o \
		$(LIBPMEMFILE_POSIX_SO)
	$(CC) $(LDFLAGS) -o $@ $< -L$(LIBOUT) -lpmemfile-posix \
		$(PMEMOBJ_LIBS) $(RPATH)
LINT_SOURCES += utils/bench/multi_bench_append.c \
	utils/bench/multi_bench_calls.c
