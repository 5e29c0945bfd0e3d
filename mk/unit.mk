# SPDX-License-Identifier: MIT
# Host unit tests (cmocka) and libFuzzer targets: every tests/unit/test_*.c and tests/fuzz/fuzz_*.c.
#
#   make unit-tests                build and run every unit test
#   make build/tests/unit/test_fat build one
#   make fuzz [FUZZ_SECONDS=60]    build every fuzzer and run each for FUZZ_SECONDS
#   make fuzz-smoke                each fuzzer for 10 s (part of `make check`)
#
# A test that needs more objects than lib/ and the fake disk adds them as prerequisites, e.g.
# `$(UNIT_DIR)/test_mkimage: $(BUILD)/host/mkimage/disk.o`: every .o prerequisite is linked.

UNIT_DIR := $(BUILD)/tests/unit
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SECONDS ?= 60

# Only the pure modules that exist yet, so one missing file being written elsewhere does not stop
# the others' tests.
UNIT_LIB_SRCS := $(wildcard $(LIB_PURE))
UNIT_LIB_OBJS := $(UNIT_LIB_SRCS:%.c=$(BUILD)/host/%.o)
UNIT_SUPPORT_OBJS := $(BUILD)/host/tests/unit/fake_disk.o $(BUILD)/host/tests/unit/fake_flash.o

UNIT_TESTS := $(patsubst tests/unit/%.c,$(UNIT_DIR)/%,$(wildcard tests/unit/test_*.c))
FUZZERS := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(wildcard tests/fuzz/fuzz_*.c))

$(UNIT_DIR)/%: $(BUILD)/host/tests/unit/%.o $(UNIT_SUPPORT_OBJS) $(UNIT_LIB_OBJS)
	$(call quiet,HOSTLD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -o $@ $(filter %.o,$^) -lcmocka

# Keep the objects make would otherwise delete as intermediates of the pattern rule above.
.SECONDARY: $(UNIT_TESTS:$(UNIT_DIR)/%=$(BUILD)/host/tests/unit/%.o) $(UNIT_SUPPORT_OBJS) \
	$(UNIT_LIB_OBJS)

# Drivers tested over fake devices, on a clock that runs as they poll.
$(UNIT_DIR)/test_virtio_blk $(UNIT_DIR)/test_virtio_scsi $(UNIT_DIR)/test_nvme: $(BUILD)/host/tests/unit/fake_clock.o
# PCI configuration through ECAM over plain memory; the clock file brings the log stubs.
$(UNIT_DIR)/test_pci_ecam: $(BUILD)/host/tests/unit/fake_clock.o

.PHONY: unit-tests
# Each test's cmocka report goes to <test>.log, shown in full when it fails or with V=1.
unit-tests: $(UNIT_TESTS)
	@fail=; for t in $(UNIT_TESTS); do \
		if $$t >$$t.log 2>&1; then \
			printf '  %-7s %s: %s\n' UNIT $${t##*/} \
				"$$(grep -o '[0-9]* test(s)' $$t.log | tail -n 1) passed"; \
			$(if $(filter 1,$(V)),cat $$t.log;) \
		else \
			cat $$t.log; printf '  %-7s %s: FAILED\n' UNIT $${t##*/}; \
			fail="$$fail $${t##*/}"; \
		fi; \
	done; \
	if [ -n "$$fail" ]; then echo "unit-tests: failed:$$fail"; exit 1; fi

# Fuzzers compile lib/ and the fake disk again with coverage and sanitizers, in one step each.
FUZZ_CFLAGS := $(HOST_CFLAGS) -DSTRATA_FUZZ=1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_RUN_FLAGS := -rss_limit_mb=2048 -timeout=10 -print_final_stats=1

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/unit/fake_disk.c tests/unit/fake_flash.c $(UNIT_LIB_SRCS)
	$(call quiet,FUZZCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(filter %.c,$^) -o $@

# Run each fuzzer for $(1) seconds on its corpus under build/fuzz/corpus/, which a
# tests/fuzz/seed_<fuzzer>.sh, if present, fills the first time; crashes go to build/fuzz/crashes/.
define run_fuzzers
	@mkdir -p $(FUZZ_DIR)/crashes
	@for f in $(FUZZERS); do \
		n=$${f##*/}; corpus=$(FUZZ_DIR)/corpus/$$n; mkdir -p $$corpus; \
		if [ -x tests/fuzz/seed_$$n.sh ] && [ -z "$$(ls -A $$corpus)" ]; then \
			tests/fuzz/seed_$$n.sh $$corpus || exit 1; \
		fi; \
		printf '  %-7s %s (%s s)\n' FUZZ $$n $(1); \
		$$f $(FUZZ_RUN_FLAGS) -max_total_time=$(1) \
			-artifact_prefix=$(FUZZ_DIR)/crashes/$$n- $$corpus \
			>$(FUZZ_DIR)/$$n.log 2>&1 || \
			{ tail -n 40 $(FUZZ_DIR)/$$n.log; echo "fuzz: $$n failed"; exit 1; }; \
		grep -h '^stat::number_of_executed_units' $(FUZZ_DIR)/$$n.log | \
			sed 's/^/          /'; \
	done
endef

.PHONY: fuzz fuzz-smoke fuzzers
fuzzers: $(FUZZERS)

fuzz: $(FUZZERS)
	$(call run_fuzzers,$(FUZZ_SECONDS))

fuzz-smoke: $(FUZZERS)
	$(call run_fuzzers,10)

# Unit test binaries are cheap to build; running them and fuzzing are left to check/fuzz.
ALL_TARGETS += $(UNIT_TESTS)
