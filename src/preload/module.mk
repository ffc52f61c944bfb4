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

# Built once both libraries it links exist.
ifneq ($(and $(LIBPMEMFILE_POSIX_A),$(LIBSYSCALL_INTERCEPT_A)),)
ALL += $(LIBPMEMFILE_SO)
endif
LINT_SOURCES += $(PRELOAD_SRC) $(wildcard src/preload/*.h)

.PHONY: install-preload uninstall-preload
install-preload: $(LIBPMEMFILE_SO)
	install -d $(DESTDIR)$(LIBDIR)
	install -m 755 $(LIBPMEMFILE_SO).1 $(DESTDIR)$(LIBDIR)/
	ln -sf libpmemfile.so.1 $(DESTDIR)$(LIBDIR)/libpmemfile.so

uninstall-preload:
	rm -f $(DESTDIR)$(LIBDIR)/libpmemfile.so.1 \
		$(DESTDIR)$(LIBDIR)/libpmemfile.so

ifneq ($(and $(LIBPMEMFILE_POSIX_A),$(LIBSYSCALL_INTERCEPT_A)),)
INSTALL_TARGETS += install-preload
UNINSTALL_TARGETS += uninstall-preload
endif
