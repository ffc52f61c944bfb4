# The scaling benchmark: the first call of a new process on a mount of a
# pool of 1,000,000 files beside an empty pool (time and resident memory),
# and mkfs of 16 GiB; 10,000,000 files with STRESS=1.
BENCHES += utils/bench/scale_bench
BENCH_PROGRAMS += $(B)/utils/bench/scale_bench
$(B)/utils/bench/scale_bench: $(B)/utils/bench/scale_bench.o \
		$(LIBPMEMFILE_POSIX_SO)
	$(CC) $(LDFLAGS) -o $@ $< -L$(LIBOUT) -lpmemfile-posix \
		$(PMEMOBJ_LIBS) $(RPATH)
LINT_SOURCES += utils/bench/scale_bench.c
