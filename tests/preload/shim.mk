# The preload shim's own tests: each routed family of calls, run by
# shim_ops on a mount under the shim and on a kernel directory, compared.
TEST_PROGRAMS += $(B)/tests/preload/shim_ops
$(B)/tests/preload/shim_ops: $(B)/tests/preload/shim_ops.o
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread
LINT_SOURCES += tests/preload/shim_ops.c

# mapshared: shared maps of a directory's files, for shim_mmapshared.
TEST_PROGRAMS += $(B)/tests/preload/mapshared
$(B)/tests/preload/mapshared: $(B)/tests/preload/mapshared.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/mapshared.c tests/preload/ops.h

# shim_paths: path arguments the kernel reads its own way, for shim_badptr,
# shim_dots and shim_longpath.
TEST_PROGRAMS += $(B)/tests/preload/shim_paths
$(B)/tests/preload/shim_paths: $(B)/tests/preload/shim_paths.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/shim_paths.c

# mmsg: descriptors passed with sendmmsg and recvmmsg, for shim_mmsg.
TEST_PROGRAMS += $(B)/tests/preload/mmsg
$(B)/tests/preload/mmsg: $(B)/tests/preload/mmsg.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/mmsg.c

# pathfuzz: random path operations, for shim_pathfuzz.
TEST_PROGRAMS += $(B)/tests/preload/pathfuzz
$(B)/tests/preload/pathfuzz: $(B)/tests/preload/pathfuzz.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/pathfuzz.c

# poolfail: calls under a mount whose pool cannot be opened.
TEST_PROGRAMS += $(B)/tests/preload/poolfail
$(B)/tests/preload/poolfail: $(B)/tests/preload/poolfail.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/poolfail.c

# refused: the calls a pool cannot serve, for shim_refused.
TEST_PROGRAMS += $(B)/tests/preload/refused
$(B)/tests/preload/refused: $(B)/tests/preload/refused.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/refused.c

# secure_create: linked with the shim, for shim_secure.
TEST_PROGRAMS += $(B)/tests/preload/secure_create
$(B)/tests/preload/secure_create: $(B)/tests/preload/secure_create.o \
		$(LIBPMEMFILE_SO)
	$(CC) $(LDFLAGS) -o $@ $< -L$(LIBOUT) -Wl,--no-as-needed -lpmemfile \
		$(RPATH)
LINT_SOURCES += tests/preload/secure_create.c

# liblate_origin.so: liblate_top.so of tests/intercept with liblate_asm.so
# found beside it ($ORIGIN), for shim_dlopen.
TEST_PROGRAMS += $(B)/tests/preload/liblate_origin.so
$(B)/tests/preload/liblate_origin.so: $(B)/tests/intercept/late_top.o \
		$(B)/tests/intercept/liblate_asm.so
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -shared -o $@ $< $(B)/tests/intercept/liblate_asm.so \
		-Wl,-soname,$(@F) -Wl,-rpath,'$$ORIGIN'

# jit_files: files read and written by run-time code, for shim_jit.
TEST_PROGRAMS += $(B)/tests/preload/jit_files
$(B)/tests/preload/jit_files: $(B)/tests/preload/jit_files.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/jit_files.c

SHIM_TESTS := shim_rw shim_copy shim_fd shim_stat shim_names shim_cwd \
	shim_at shim_cross shim_links shim_procfd shim_poll shim_mmap \
	shim_fork shim_touchfork shim_notsup shim_threads shim_signal \
	shim_prefix shim_ls shim_env shim_exec shim_execpool shim_special shim_log shim_cred shim_setuid \
	shim_cwdbusy shim_fdflags shim_mmapshared shim_bigread shim_dotdot \
	shim_renamedir shim_placeholder shim_lazy shim_badptr shim_dots \
	shim_longpath shim_secure shim_nocaps shim_poolfail \
	shim_refused shim_mmsg shim_pathfuzz shim_dlopen shim_ndctl shim_closerange \
	shim_jit shim_ldso shim_libs shim_fsync shim_journal shim_vforkpages \
	shim_kernelopen shim_syncall shim_envthreads shim_spawnthreads \
	shim_spawnkill \
	shim_exitlate \
	shim_jmode_fds shim_rmdirfd shim_tmpfile shim_startmem \
	shim_execstat shim_startcalls
$(foreach t,$(SHIM_TESTS),$(eval $(call sh_test,tests/preload/$(t))))

# spawnthreads: threads starting programs at once with posix_spawn, for
# shim_spawnthreads.
TEST_PROGRAMS += $(B)/tests/preload/spawnthreads
$(B)/tests/preload/spawnthreads: $(B)/tests/preload/spawnthreads.o
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread
LINT_SOURCES += tests/preload/spawnthreads.c

# spawnkill: posix_spawn from four threads while a fifth kills the
# children, for shim_spawnkill.
TEST_PROGRAMS += $(B)/tests/preload/spawnkill
$(B)/tests/preload/spawnkill: $(B)/tests/preload/spawnkill.o
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread
LINT_SOURCES += tests/preload/spawnkill.c

# envthreads: a program with a getenv of its own that counts the calls of
# threads it did not make, for shim_envthreads (exported: the library's
# calls must reach it).
TEST_PROGRAMS += $(B)/tests/preload/envthreads
$(B)/tests/preload/envthreads: $(B)/tests/preload/envthreads.o
	$(CC) $(LDFLAGS) -rdynamic -o $@ $^
LINT_SOURCES += tests/preload/envthreads.c

# exitlate: a holder whose exit serves a call after the destructors, and
# the process that makes it, for shim_exitlate.
TEST_PROGRAMS += $(B)/tests/preload/exitlate
$(B)/tests/preload/exitlate: $(B)/tests/preload/exitlate.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/exitlate.c

# tmpfile: files without a name through their descriptor, for
# shim_tmpfile.
TEST_PROGRAMS += $(B)/tests/preload/tmpfile
$(B)/tests/preload/tmpfile: $(B)/tests/preload/tmpfile.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/tmpfile.c

# closerange: a program closing every descriptor it did not open, for
# shim_closerange.
TEST_PROGRAMS += $(B)/tests/preload/closerange
$(B)/tests/preload/closerange: $(B)/tests/preload/closerange.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/closerange.c

# startmem: paths read before anything was unmapped, one running off the
# program's last page, for shim_startmem.
TEST_PROGRAMS += $(B)/tests/preload/startmem
$(B)/tests/preload/startmem: $(B)/tests/preload/startmem.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/startmem.c
