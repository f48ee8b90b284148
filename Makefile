# XenLive. `make` builds iso/xenlive.iso; `make check` runs every test.
# The real work is done by builder/xenlive-build from the recipes; this file
# only wires the commands together.

PROFILE ?= iso/default.profile
JOBS ?= $(shell nproc)
BUILDER = builder/xenlive-build
BUILD = $(BUILDER) -p $(PROFILE) -j $(JOBS)
# dates in the ISO: the last commit's (a source tree from `git archive`, as
# in the sources bundle, has every file dated so)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || stat -c %Y Makefile)
export SOURCE_DATE_EPOCH
QEMU = qemu-system-x86_64 -accel tcg -cpu qemu64 -m 2048 -smp 2

.PHONY: all iso deps builder check unit-tests builder-tests boot-tests \
	initramfs-tests run run-uefi bench lock lock-check sources check-offline clean graph explain

all: iso

deps:
	@scripts/host-deps build

builder:
	@$(MAKE) -s -C builder

iso: deps builder
	@$(BUILD) build
	@scripts/netboot-tree

graph explain: builder
	@$(BUILD) $@

lock: deps builder
	$(BUILD) lock

# the pins behind Debian's archive and security archive (before a release)
lock-check: deps
	@scripts/lock-check $(PROFILE)

# the sources bundle: every pinned input and the source of every shipped
# binary, with our own source; a download cache for building offline
SOURCES = iso/xenlive-sources
sources: deps builder
	@rm -rf $(SOURCES) $(SOURCES).tar
	@$(BUILD) fetch $(SOURCES)
	@scripts/sources-bundle $(SOURCES)

check: iso
	@scripts/host-deps test
	@scripts/check

# a cold build from the sources bundle with no network: the same ISO
check-offline: iso
	@scripts/host-deps test
	@scripts/check offline

unit-tests: builder
	@$(MAKE) -s -C builder test

builder-tests: builder
	@sh tests/builder/run.sh

boot-tests:
	@python3 tests/boot/boottest.py --iso iso/xenlive.iso

run: iso
	@scripts/host-deps test
	$(QEMU) -nographic -cdrom iso/xenlive.iso

run-uefi: iso
	@scripts/host-deps test
	$(QEMU) -nographic -machine q35 -bios /usr/share/ovmf/OVMF.fd -cdrom iso/xenlive.iso

bench: iso
	@scripts/host-deps test
	@scripts/bench

clean:
	@if [ -x $(BUILDER) ]; then $(BUILD) clean; fi
	@$(MAKE) -s -C builder clean
	@rm -rf $(SOURCES) $(SOURCES).tar
