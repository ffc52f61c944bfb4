# The library's own core tests (core_*): the consistency checker, extent
# placement, and pmemfile_open_parent's rules for leaving a pool. They link
# the static library and look at the persistent layout directly.
CORE_TESTS := core_checker core_extents core_open_parent core_pool_space core_setid core_damage core_fcntl core_rw_range core_pin core_inode_alloc core_bad_path core_stats core_crc32c core_csum core_dirty core_gate core_words core_backahead

$(B)/tests/pmemfile/core_%.o: EXTRA_CFLAGS += -I.

# Tests that seal or check the checksums of layout 5 (core_csum.h) or make
# the words of layout 6 (csum_model.h) link the CRC32C module itself: the
# archive keeps its internals local.
CORE_CSUM_TESTS := core_damage core_csum core_crc32c core_inode_alloc \
	core_words
$(foreach t,$(CORE_TESTS),$(eval $(call c_test,tests/pmemfile/$(t),\
	$(LIBPMEMFILE_POSIX_A) $(if $(filter $(t),$(CORE_CSUM_TESTS)),\
	$(B)/pmemfile/crc32c.o) $(if $(filter $(t),core_dirty core_words),\
	$(B)/pmemfile/$(t:core_%=%).o) $(if $(filter $(t),core_backahead),\
	$(B)/pmemfile/direct.o),$(PMEMOBJ_LIBS))))

LINT_SOURCES += $(addprefix tests/pmemfile/,$(addsuffix .c,$(CORE_TESTS)) \
	core.h core_csum.h)
