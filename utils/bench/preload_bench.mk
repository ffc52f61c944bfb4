# The preload shim's benchmark: utils/bench/preload_bench.sh runs real
# programs (fio, dd, hyperfine) and preload_bench_ops under the shim on a
# pool and natively on /dev/shm, and prints each figure beside its
# reference and its target.
BENCHES += utils/bench/preload_bench
BENCH_PROGRAMS += $(B)/utils/bench/preload_bench_ops
$(B)/utils/bench/preload_bench_ops: $(B)/utils/bench/preload_bench_ops.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += utils/bench/preload_bench_ops.c
