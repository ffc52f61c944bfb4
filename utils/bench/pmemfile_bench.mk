# libpmemfile-posix's benchmark: 4 KiB overwrites and appends, random reads
# in a 1 GiB file, sequential bandwidth, create/stat/unlink of 100,000 files
# and lookups in a 1,000,000-entry directory, each beside the kernel on
# /dev/shm and the raw medium (libpmem). BENCH_SCALE=0.1 for a quick run,
# BENCH_ONLY=small,big,meta,dir (any of them) to run some parts only.
BENCHES += utils/bench/pmemfile_bench
BENCH_PROGRAMS += $(B)/utils/bench/pmemfile_bench
$(B)/utils/bench/pmemfile_bench: $(B)/utils/bench/pmemfile_bench.o \
		$(LIBPMEMFILE_POSIX_SO)
	$(CC) $(LDFLAGS) -o $@ $< -L$(LIBOUT) -lpmemfile-posix \
		$(PMEMOBJ_LIBS) $(RPATH)
LINT_SOURCES += utils/bench/pmemfile_bench.c
