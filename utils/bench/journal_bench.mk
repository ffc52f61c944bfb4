# The page journal's benchmark (issue 15): commits of 1, 16 and 256 pages
# and checkpoints on a disk (/var/tmp), beside a plain 4 KiB pwrite and
# fdatasync there. It links the journal module alone, as its tests do.
BENCHES += utils/bench/journal_bench
BENCH_PROGRAMS += $(B)/utils/bench/journal_bench
$(B)/utils/bench/journal_bench.o: EXTRA_CFLAGS += -Ipmemfile
$(B)/utils/bench/journal_bench: $(B)/utils/bench/journal_bench.o \
		$(B)/pmemfile/journal.o $(B)/pmemfile/crc32c.o
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread
LINT_SOURCES += utils/bench/journal_bench.c
