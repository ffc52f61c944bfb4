# Tests of libpmemfile-posix: the reference-comparison harness and the family
# tests built on it (ref_*: the same operations on a kernel directory and on
# a pool, compared), pool tests, crash consistency and threads. Every program
# links the static library, for its consistency checker.
# The library's own core tests live in core.mk.
-include tests/pmemfile/core.mk

TP := tests/pmemfile
TP_HARNESS := $(addprefix $(B)/$(TP)/,ref.o ref_run.o ref_kernel.o \
	ref_pmemfile.o)
TP_REF := ref_open ref_rw ref_lseek ref_stat ref_getdents ref_mkdir \
	ref_unlink ref_link ref_symlink ref_rename ref_cwd ref_truncate \
	ref_fcntl ref_perm ref_path getdents_stable ref_fuzz
TP_OTHER := pool_lifecycle pool_foreign pool_full pool_limits orphan crash \
	threads compat_api big_dir getdents_race dir_hint faults fallocate_full \
	pool_refill slot_reuse multi_pin multi_lockmove multi_forkchild \
	fs_full pool_sparse powercut cred_default mmap_api pool_roots at_absolute \
	space_fill damage_fuzz multi_lease stat_figures repair_crash multi_attach \
	gate_snapshot journal_api journal_cut jmode_cut pool_fd_numbers \
	jmode_powercut multi_channels multi_elect multi_exitcopy pool_objalloc jmode_threads \
	pool_txvector multi_posted multi_quiet create_publish multi_unbacked \
	multi_killtrim multi_devshm
TP_JOURNAL := journal_api journal_cut

$(B)/$(TP)/%.o: EXTRA_CFLAGS += -Ipmemfile

# $(call tp_program,name,extra objects): the rule for build/tests/pmemfile/name
define tp_program
$(B)/$(TP)/$(1): $(B)/$(TP)/$(1).o $(2) $(LIBPMEMFILE_POSIX_A)
	$$(CC) $$(LDFLAGS) -o $$@ $$(filter %.o %.a,$$^) $(PMEMOBJ_LIBS) \
		-lpthread $(RPATH)
endef
$(foreach t,$(TP_REF),$(eval $(call tp_program,$(t),$(TP_HARNESS))))
$(foreach t,$(filter-out crash faults slot_reuse powercut repair_crash \
	pool_roots jmode_powercut create_publish $(TP_JOURNAL),$(TP_OTHER)),\
	$(eval $(call tp_program,$(t),)))
# pool_roots makes a pool of layout 2, without the checks of layout 6
# (csum_model.h): it links the CRC32C module itself.
$(eval $(call tp_program,pool_roots,$(B)/pmemfile/crc32c.o))
$(B)/$(TP)/pool_roots.o: EXTRA_CFLAGS += -I.
TP_CRASH := $(B)/$(TP)/crash_model.o $(B)/$(TP)/crash_verify.o
$(eval $(call tp_program,crash,$(TP_CRASH)))

# powercut builds the crash model wider: 32 names of 133 bytes in each
# directory (a second inode array, directory blocks and hash tables that
# grow), files of up to 48 KiB.
PC_WIDE := -DCM_NAMES=32 -DCM_NAME_PAD=130 -DCM_MAX_SIZE=49152
PC_MODEL := $(B)/$(TP)/powercut_model.o $(B)/$(TP)/powercut_verify.o
$(B)/$(TP)/powercut.o: EXTRA_CFLAGS += $(PC_WIDE)
$(B)/$(TP)/powercut_model.o: $(TP)/crash_model.c
$(B)/$(TP)/powercut_verify.o: $(TP)/crash_verify.c
$(PC_MODEL):
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ipmemfile $(PC_WIDE) -c -o $@ $<
$(eval $(call tp_program,powercut,$(PC_MODEL)))

# powercut runs its workload with this hook preloaded: it journals what each
# msync of the pool writes back.
TEST_PROGRAMS += $(B)/$(TP)/powercut_recorder.so
$(B)/$(TP)/powercut_recorder.so: $(B)/$(TP)/powercut_recorder.o \
		$(LIBSYSCALL_INTERCEPT_SO)
	$(CC) $(LDFLAGS) -shared -o $@ $< $(LIBSYSCALL_INTERCEPT_SO) -ldl \
		$(RPATH)

# jmode_powercut runs the same wide model on a pool in journal mode, its
# workload with this hook preloaded: it records each write to the pool file
# and its journal, and each fdatasync.
$(B)/$(TP)/jmode_powercut.o: EXTRA_CFLAGS += $(PC_WIDE)
$(eval $(call tp_program,jmode_powercut,$(PC_MODEL)))
TEST_PROGRAMS += $(B)/$(TP)/jmode_powercut_recorder.so
$(B)/$(TP)/jmode_powercut_recorder.so: $(B)/$(TP)/jmode_powercut_recorder.o \
		$(LIBSYSCALL_INTERCEPT_SO)
	$(CC) $(LDFLAGS) -shared -o $@ $< $(LIBSYSCALL_INTERCEPT_SO) -lpthread \
		$(RPATH)

# faults fails the library's libpmemobj calls through wrappers of its own:
# the library is the one every other program links.
FAULT_COMMA := ,
FAULT_WRAPS := pmemobj_tx_add_range_direct pmemobj_tx_xalloc pmemobj_tx_free \
	pmemobj_xreserve pmemobj_publish
$(B)/$(TP)/faults: $(B)/$(TP)/faults.o $(LIBPMEMFILE_POSIX_A)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) \
		$(patsubst %,-Wl$(FAULT_COMMA)--wrap=%,$(FAULT_WRAPS)) \
		$(PMEMOBJ_LIBS) -lpthread $(RPATH)

# create_publish counts the library's transactions and publishes through
# wrappers of pmemobj_tx_end and pmemobj_publish.
$(B)/$(TP)/create_publish: $(B)/$(TP)/create_publish.o $(LIBPMEMFILE_POSIX_A)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) \
		-Wl,--wrap=pmemobj_tx_end -Wl,--wrap=pmemobj_publish \
		$(PMEMOBJ_LIBS) -lpthread $(RPATH)

# repair_crash ends the repair at each of its transactions' stores.
$(B)/$(TP)/repair_crash: $(B)/$(TP)/repair_crash.o $(LIBPMEMFILE_POSIX_A)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) \
		-Wl,--wrap=pmemobj_tx_add_range_direct \
		$(PMEMOBJ_LIBS) -lpthread $(RPATH)

# slot_reuse stops an unlink at the allocation lock and after its commit
# through wrappers of those two libpmemobj calls.
SLOT_REUSE_WRAPS := pmemobj_tx_lock pmemobj_tx_end
$(B)/$(TP)/slot_reuse: $(B)/$(TP)/slot_reuse.o $(LIBPMEMFILE_POSIX_A)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) \
		$(patsubst %,-Wl$(FAULT_COMMA)--wrap=%,$(SLOT_REUSE_WRAPS)) \
		$(PMEMOBJ_LIBS) -lpthread $(RPATH)

# The page journal's tests link its module alone, with the CRC32C it uses:
# the archive keeps the library's internals local, and the journal needs
# nothing else of it.
$(addprefix $(B)/$(TP)/,$(TP_JOURNAL)): %: %.o $(B)/pmemfile/journal.o \
		$(B)/pmemfile/crc32c.o
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread $(RPATH)

# Registered once they pass; a case showing a library bug is kept in its
# program as a REF_BUG_CASE (run with REF_KNOWN_BUGS=1).
TP_REGISTERED := $(TP_REF) $(TP_OTHER)
TESTS += $(addprefix $(TP)/,$(TP_REGISTERED))
TEST_PROGRAMS += $(addprefix $(B)/$(TP)/,$(TP_REGISTERED))

# The installed headers build a program of the discontinued library's API.
$(eval $(call sh_test,$(TP)/compat_install))

.PHONY: pmemfile-tests
pmemfile-tests: $(addprefix $(B)/$(TP)/,$(TP_REF) $(TP_OTHER))

LINT_SOURCES += $(wildcard $(TP)/*.c $(TP)/*.h)
