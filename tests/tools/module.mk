# Tests of the pmemfile command and mkfs.pmemfile.
$(B)/tests/tools/%.o: EXTRA_CFLAGS += -I.

$(eval $(call c_test,tests/tools/size_parse,$(B)/src/tools/size.o))
LINT_SOURCES += tests/tools/size_parse.c
$(eval $(call sh_test,tests/tools/man_current))

# The tests below need the tools, hence the library.
ifneq ($(filter $(BINOUT)/pmemfile,$(ALL)),)
$(eval $(call sh_test,tests/tools/mkfs))
$(eval $(call sh_test,tests/tools/help))
$(eval $(call sh_test,tests/tools/files))
$(eval $(call sh_test,tests/tools/pool_errors))
$(eval $(call sh_test,tests/tools/df))
$(eval $(call sh_test,tests/tools/run))
$(eval $(call sh_test,tests/tools/run_static))
$(eval $(call sh_test,tests/tools/install))
$(eval $(call sh_test,tests/tools/check))
$(eval $(call sh_test,tests/tools/repair))
$(eval $(call sh_test,tests/tools/salvage))
$(eval $(call sh_test,tests/tools/mkfs_sparse))
$(eval $(call sh_test,tests/tools/cp))
$(eval $(call sh_test,tests/tools/tree))
$(eval $(call sh_test,tests/tools/info))
$(eval $(call sh_test,tests/tools/durability))
endif

# libpmemobj's view of a pool, for the tests that damage one on purpose.
ifneq ($(PMEMOBJ_LIBS),)
TEST_PROGRAMS += $(B)/tests/tools/objpool
$(B)/tests/tools/objpool: $(B)/tests/tools/objpool.o
	$(CC) $(LDFLAGS) -o $@ $^ $(PMEMOBJ_LIBS)
LINT_SOURCES += tests/tools/objpool.c
TEST_PROGRAMS += $(B)/tests/tools/damage
$(B)/tests/tools/damage: $(B)/tests/tools/damage.o $(B)/pmemfile/crc32c.o
	$(CC) $(LDFLAGS) -o $@ $^ $(PMEMOBJ_LIBS)
LINT_SOURCES += tests/tools/damage.c
endif
