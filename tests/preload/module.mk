# Tests of the preload shim. The shim's own family tests (shim_*) are kept
# in tests/preload/shim.mk; this file holds the acceptance tests: real,
# unmodified programs run on a mount, each checked against the same commands
# on a kernel directory (prog_*.sh, helpers in prog_lib.sh).
-include tests/preload/shim.mk

$(eval $(call sh_test,tests/preload/prog_coreutils))
$(eval $(call sh_test,tests/preload/prog_tar))
$(eval $(call sh_test,tests/preload/prog_find))
$(eval $(call sh_test,tests/preload/prog_du))
$(eval $(call sh_test,tests/preload/prog_sqlite3))
$(eval $(call sh_test,tests/preload/prog_python3))
$(eval $(call sh_test,tests/preload/prog_subprocess))
$(eval $(call sh_test,tests/preload/prog_perl))
$(eval $(call sh_test,tests/preload/prog_lmdb))
$(eval $(call sh_test,tests/preload/prog_fio))
$(eval $(call sh_test,tests/preload/prog_cd))
$(eval $(call sh_test,tests/preload/prog_cd_pipeline))
$(eval $(call sh_test,tests/preload/prog_gcc))
$(eval $(call sh_test,tests/preload/prog_kill))
$(eval $(call sh_test,tests/preload/prog_users))

# Helpers the prog_* tests run: a tree lister (run under the shim, it reads
# the mount with plain libc calls).
TEST_PROGRAMS += $(B)/tests/preload/prog_treedump
$(B)/tests/preload/prog_treedump: $(B)/tests/preload/prog_treedump.o
	$(CC) $(LDFLAGS) -o $@ $^

LINT_SOURCES += tests/preload/prog_treedump.c


# Several processes on one mount (issue 9): shells, make, git, tools,
# unrelated writers, killed holders, locks between processes.
MULTI_TESTS := multi_shell multi_make multi_tools multi_git \
	multi_locks multi_stress multi_kill multi_sweep multi_execlock \
	multi_inherit multi_orphan multi_client multi_copylock multi_pidreuse \
	multi_lockleft multi_subshells multi_lockintr multi_mapfork \
	multi_cwdrename multi_users multi_execfree multi_sockmode multi_devnum \
	multi_replaced multi_vforkfirst
$(foreach t,$(MULTI_TESTS),$(eval $(call sh_test,tests/preload/$(t))))
