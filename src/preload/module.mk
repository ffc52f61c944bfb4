# libpmemfile.so: the preload shim. One shared object to preload: the
# interception archive and libpmemfile-posix are linked in; libpmemobj is
# loaded when a pool is first used (pmemobj_lazy.c), capstone when a patch
# needs it.

PRELOAD_SRC := $(wildcard src/preload/*.c)
PRELOAD_OBJ := $(patsubst %.c,$(B)/%.o,$(PRELOAD_SRC))
LIBPMEMFILE_SO := $(LIBOUT)/libpmemfile.so

$(B)/src/preload/%.o: EXTRA_CFLAGS += -fvisibility=hidden

$(LIBPMEMFILE_SO).1: $(PRELOAD_OBJ) $(LIBPMEMFILE_POSIX_A) \
		$(LIBSYSCALL_INTERCEPT_A) src/preload/libpmemfile.map
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -shared -o $@ $(PRELOAD_OBJ) \
		$(LIBPMEMFILE_POSIX_A) $(LIBSYSCALL_INTERCEPT_A) \
		-Wl,-soname,libpmemfile.so.1 \
		-Wl,--version-script=src/preload/libpmemfile.map \
		-Wl,-z,noexecstack -Wl,-z,relro -Wl,-z,now $(SORT_DATA) -Wl,-z,defs \
		$(CAPSTONE_LIBS) -lpthread -ldl

$(LIBPMEMFILE_SO): $(LIBPMEMFILE_SO).1
	ln -sf libpmemfile.so.1 $@

# Stand-ins for libndctl and libdaxctl on a machine without NVDIMMs, in
# lib/pmemfile/ beside the shim (pmemobj_lazy.c): made from what libpmem
# and libpmemobj import, or not at all where nd_empty.sh cannot (the shim
# then loads the real ones). The stamp says the attempt was made.
ND_EMPTY_DIR := $(LIBOUT)/pmemfile
ND_EMPTY_SRC := $(B)/src/preload/nd_empty

$(ND_EMPTY_DIR)/.made: src/preload/nd_empty.sh
	@mkdir -p $(@D)
	@rm -f $(ND_EMPTY_DIR)/libndctl.so.6 $(ND_EMPTY_DIR)/libdaxctl.so.1
	@if sh src/preload/nd_empty.sh $(ND_EMPTY_SRC) "$(CC)"; then \
		for l in ndctl.so.6 daxctl.so.1; do \
			n=$${l%%.so.*}; \
			$(CC) $(LDFLAGS) -shared -fPIC -O2 \
				-o $(ND_EMPTY_DIR)/lib$$l $(ND_EMPTY_SRC)/lib$$n.c \
				-Wl,-soname,lib$$l \
				-Wl,--version-script=$(ND_EMPTY_SRC)/lib$$n.map \
				-Wl,-z,noexecstack || exit 1; \
		done; \
	fi
	@touch $@

# Built once both libraries it links exist.
ifneq ($(and $(LIBPMEMFILE_POSIX_A),$(LIBSYSCALL_INTERCEPT_A)),)
ALL += $(LIBPMEMFILE_SO) $(ND_EMPTY_DIR)/.made
endif
LINT_SOURCES += $(PRELOAD_SRC) $(wildcard src/preload/*.h)

.PHONY: install-preload uninstall-preload
install-preload: $(LIBPMEMFILE_SO) $(ND_EMPTY_DIR)/.made
	install -d $(DESTDIR)$(LIBDIR)
	install -m 755 $(LIBPMEMFILE_SO).1 $(DESTDIR)$(LIBDIR)/
	ln -sf libpmemfile.so.1 $(DESTDIR)$(LIBDIR)/libpmemfile.so
	install -d $(DESTDIR)$(LIBDIR)/pmemfile
	for l in libndctl.so.6 libdaxctl.so.1; do \
		[ ! -f $(ND_EMPTY_DIR)/$$l ] || \
			install -m 755 $(ND_EMPTY_DIR)/$$l \
				$(DESTDIR)$(LIBDIR)/pmemfile/; \
	done

uninstall-preload:
	rm -f $(DESTDIR)$(LIBDIR)/libpmemfile.so.1 \
		$(DESTDIR)$(LIBDIR)/libpmemfile.so \
		$(DESTDIR)$(LIBDIR)/pmemfile/libndctl.so.6 \
		$(DESTDIR)$(LIBDIR)/pmemfile/libdaxctl.so.1
	rmdir $(DESTDIR)$(LIBDIR)/pmemfile 2>/dev/null || true

ifneq ($(and $(LIBPMEMFILE_POSIX_A),$(LIBSYSCALL_INTERCEPT_A)),)
INSTALL_TARGETS += install-preload
UNINSTALL_TARGETS += uninstall-preload
endif
