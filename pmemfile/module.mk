# libpmemfile-posix: the file system in a libpmemobj pool.
PMEMFILE_SRCS := $(wildcard pmemfile/*.c)
PMEMFILE_OBJS := $(PMEMFILE_SRCS:%.c=$(B)/%.o)
PMEMOBJ_LIBS := $(shell pkg-config --libs libpmemobj libpmem) -lpthread

LIBPMEMFILE_POSIX_SO := $(LIBOUT)/libpmemfile-posix.so
LIBPMEMFILE_POSIX_SO_V := $(LIBOUT)/libpmemfile-posix.so.0
LIBPMEMFILE_POSIX_A := $(LIBOUT)/libpmemfile-posix.a
LIBPMEMFILE_POSIX_PC := $(LIBOUT)/pkgconfig/libpmemfile-posix.pc

ALL += $(LIBPMEMFILE_POSIX_SO) $(LIBPMEMFILE_POSIX_A) $(LIBPMEMFILE_POSIX_PC)
LINT_SOURCES += $(PMEMFILE_SRCS) $(wildcard pmemfile/*.h)

# pmemobj_direct is called, not inlined: the inline form reads libpmemobj's
# thread-local pool cache, which the shim cannot reach before it loads
# libpmemobj (src/preload/pmemobj_lazy.c); the library calls it rarely.
$(B)/pmemfile/%.o: EXTRA_CFLAGS += -fvisibility=hidden \
	-DPMEMOBJ_DIRECT_NON_INLINE \
	$(shell pkg-config --cflags libpmemobj libpmem)

$(LIBPMEMFILE_POSIX_SO_V): $(PMEMFILE_OBJS) pmemfile/libpmemfile-posix.map
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,libpmemfile-posix.so.0 \
		-Wl,--version-script=pmemfile/libpmemfile-posix.map \
		-Wl,-z,noexecstack -o $@ $(PMEMFILE_OBJS) $(PMEMOBJ_LIBS)

$(LIBPMEMFILE_POSIX_SO): $(LIBPMEMFILE_POSIX_SO_V)
	ln -sf libpmemfile-posix.so.0 $@

# One relocatable object whose hidden symbols are made local, so that the
# internals cannot clash with those of a program linking the archive.
$(LIBPMEMFILE_POSIX_A): $(PMEMFILE_OBJS)
	@mkdir -p $(@D)
	$(LD) -r -o $(B)/pmemfile/libpmemfile-posix.o $(PMEMFILE_OBJS)
	objcopy --localize-hidden $(B)/pmemfile/libpmemfile-posix.o
	rm -f $@
	$(AR) rcs $@ $(B)/pmemfile/libpmemfile-posix.o

$(LIBPMEMFILE_POSIX_PC): pmemfile/libpmemfile-posix.pc.in pmemfile/module.mk
	@mkdir -p $(@D)
	$(call PC_FOR,$(TOP),$(abspath $(LIBOUT)),$(TOP)/include) $< >$@

.PHONY: install-pmemfile uninstall-pmemfile
INSTALL_TARGETS += install-pmemfile
UNINSTALL_TARGETS += uninstall-pmemfile

install-pmemfile: $(LIBPMEMFILE_POSIX_SO) $(LIBPMEMFILE_POSIX_A) \
		$(LIBPMEMFILE_POSIX_PC)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)
	install -m 755 $(LIBPMEMFILE_POSIX_SO_V) $(DESTDIR)$(LIBDIR)/
	ln -sf libpmemfile-posix.so.0 $(DESTDIR)$(LIBDIR)/libpmemfile-posix.so
	install -m 644 $(LIBPMEMFILE_POSIX_A) $(DESTDIR)$(LIBDIR)/
	$(call PC_FOR,$(PREFIX),$(LIBDIR),$(INCLUDEDIR)) \
		pmemfile/libpmemfile-posix.pc.in \
		>$(DESTDIR)$(PKGCONFIGDIR)/libpmemfile-posix.pc
	install -m 644 include/libpmemfile-posix.h \
		include/libpmemfile-posix-stubs.h $(DESTDIR)$(INCLUDEDIR)/

uninstall-pmemfile:
	rm -f $(DESTDIR)$(LIBDIR)/libpmemfile-posix.so.0 \
		$(DESTDIR)$(LIBDIR)/libpmemfile-posix.so \
		$(DESTDIR)$(LIBDIR)/libpmemfile-posix.a \
		$(DESTDIR)$(PKGCONFIGDIR)/libpmemfile-posix.pc \
		$(DESTDIR)$(INCLUDEDIR)/libpmemfile-posix.h \
		$(DESTDIR)$(INCLUDEDIR)/libpmemfile-posix-stubs.h
