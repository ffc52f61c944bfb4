# Pools on ordinary files (issue 15): 1,000 x (create + 4 KiB write) and a
# sequential write + fsync in a pool on a file of the disk (BENCH_DIR,
# default /var/tmp), durable (msync) and forced, beside ext4 through the
# kernel with and without fsync, and libpmem's copy and msync on a mapped
# file of the same file system. BENCH_SEQ_MIB sets the sequential size.
BENCHES += utils/bench/durable_bench
BENCH_PROGRAMS += $(B)/utils/bench/durable_bench
$(B)/utils/bench/durable_bench: $(B)/utils/bench/durable_bench.o \
		$(LIBPMEMFILE_POSIX_SO)
	$(CC) $(LDFLAGS) -o $@ $< -L$(LIBOUT) -lpmemfile-posix \
		$(PMEMOBJ_LIBS) $(RPATH)
LINT_SOURCES += utils/bench/durable_bench.c
