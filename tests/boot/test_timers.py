# SPDX-License-Identifier: MIT
"""Timers by interrupt and the EFI watchdog: SetWatchdogTimer resets a machine whose payload spins,
and ExitBootServices hands the OS a CPU with interrupts off, the APIC timer masked (and on Strata
stopped) and no watchdog left armed (the hand-over checked on OVMF first, the reference)."""

import pytest

from conftest import BUILD, build_disk
from qemu_harness import OVMF_CODE, build_efi_app, ovmf_output

TIMEOUT = 120

SPIN_APP = r"""
#include <efi.h>
#include <efilib.h>

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_STATUS s;

	InitializeLib(image, st);
	s = BS->SetWatchdogTimer(2, 0x10000, 0, NULL);
	Print(L"WDT: armed for 2 s: %r; spinning without calling the firmware\n", s);
	for (;;)
		__asm__ volatile("pause");
}
"""

# After ExitBootServices nothing of the firmware may run: the app talks to the UART and QEMU's
# isa-debug-exit port itself, and spins past a watchdog it armed before the hand-over.
EXIT_APP = r"""
#include <efi.h>
#include <efilib.h>

static inline UINT64 rdtsc(void)
{
	UINT32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (UINT64)hi << 32 | lo;
}

static inline UINT64 rflags(void)
{
	UINT64 f;
	__asm__ volatile("pushfq; pop %0" : "=r"(f));
	return f;
}

static void uart(const char *s)
{
	for (; *s; s++) {
		UINT8 lsr;
		do
			__asm__ volatile("inb %1, %0" : "=a"(lsr) : "Nd"((UINT16)0x3fd));
		while (!(lsr & 0x20));
		__asm__ volatile("outb %0, %1" : : "a"((UINT8)*s), "Nd"((UINT16)0x3f8));
	}
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	UINTN key, dsize, entries;
	UINT32 dver, lo, hi, lvt, count;
	UINT64 t0, per_ms, apic, flags;
	EFI_STATUS s = EFI_INVALID_PARAMETER;

	InitializeLib(image, st);
	Print(L"EBS: interrupts on at TPL_APPLICATION %d\n", (rflags() >> 9) & 1);
	t0 = rdtsc();
	BS->Stall(100000);
	per_ms = (rdtsc() - t0) / 100;
	BS->SetWatchdogTimer(1, 0x10000, 0, NULL);
	for (int tries = 0; tries < 3 && EFI_ERROR(s); tries++) {
		LibMemoryMap(&entries, &key, &dsize, &dver); /* allocates: just before the call */
		s = BS->ExitBootServices(image, key);
	}
	if (EFI_ERROR(s)) {
		Print(L"EBS: FAIL ExitBootServices %r\n", s);
		return s;
	}
	flags = rflags();
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));
	apic = ((UINT64)hi << 32 | lo) & ~0xfffull;
	lvt = *(volatile UINT32 *)(apic + 0x320);
	count = *(volatile UINT32 *)(apic + 0x380);
	uart((flags >> 9) & 1 ? "EBS: interrupts on\n" : "EBS: interrupts off\n");
	uart(lvt & 0x10000 ? "EBS: APIC timer masked\n" : "EBS: APIC timer unmasked\n");
	uart(count ? "EBS: APIC timer counting\n" : "EBS: APIC timer stopped\n");
	t0 = rdtsc();
	while (rdtsc() - t0 < per_ms * 3000)
		__asm__ volatile("pause");
	uart("EBS: still running 3 s later\n");
	__asm__ volatile("outb %0, %1" : : "a"((UINT8)0x10), "Nd"((UINT16)0xf4));
	for (;;)
		__asm__ volatile("pause");
}
"""

# Started by the removable media path it makes itself Boot0001 (data "spin"), arms a 2 s watchdog
# and returns; started as Boot0001 it spins 4 s. It survives only if the boot manager stopped the
# first watchdog when the app returned and armed its own 5 minutes before the next option.
REARM_APP = r"""
#include <efi.h>
#include <efilib.h>

#define ATTR (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
	      EFI_VARIABLE_RUNTIME_ACCESS)
#define SELF L"\\EFI\\BOOT\\BOOTX64.EFI"

static inline UINT64 rdtsc(void)
{
	UINT32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (UINT64)hi << 32 | lo;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	static UINT8 buf[256];
	UINTN d = sizeof(L"rearm"), p = 4 + sizeof(SELF), at = 6;
	UINT16 order = 1;
	EFI_LOADED_IMAGE *li;
	UINT64 t0, per_ms;

	InitializeLib(image, st);
	BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (li->LoadOptionsSize >= sizeof(L"spin")) {
		t0 = rdtsc();
		BS->Stall(100000);
		per_ms = (rdtsc() - t0) / 100;
		Print(L"WDT: Boot0001 spinning 4 s\n");
		t0 = rdtsc();
		while (rdtsc() - t0 < per_ms * 4000)
			__asm__ volatile("pause");
		Print(L"WDT: Boot0001 survived\n");
		RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	}
	*(UINT32 *)buf = LOAD_OPTION_ACTIVE;
	*(UINT16 *)(buf + 4) = (UINT16)(p + 4);
	CopyMem(buf + at, L"rearm", d);
	at += d;
	buf[at] = MEDIA_DEVICE_PATH;
	buf[at + 1] = MEDIA_FILEPATH_DP;
	buf[at + 2] = (UINT8)p;
	CopyMem(buf + at + 4, SELF, sizeof(SELF));
	at += p;
	buf[at] = END_DEVICE_PATH_TYPE;
	buf[at + 1] = END_ENTIRE_DEVICE_PATH_SUBTYPE;
	buf[at + 2] = 4;
	at += 4;
	CopyMem(buf + at, L"spin", sizeof(L"spin"));
	at += sizeof(L"spin");
	RT->SetVariable(L"Boot0001", &gEfiGlobalVariableGuid, ATTR, at, buf);
	RT->SetVariable(L"BootOrder", &gEfiGlobalVariableGuid, ATTR, sizeof(order), &order);
	Print(L"WDT: armed 2 s and returning: %r\n", BS->SetWatchdogTimer(2, 0x10000, 0, NULL));
	return EFI_ABORTED;
}
"""

EXIT_EXPECTED = [
    "EBS: interrupts on at TPL_APPLICATION 1",
    "EBS: interrupts off",
    "EBS: APIC timer masked",
    "EBS: still running 3 s later",
]


@pytest.fixture(scope="module")
def spin_app(tmp_path_factory):
    return build_efi_app(SPIN_APP, tmp_path_factory.mktemp("spin-app"))


@pytest.fixture(scope="module")
def rearm_app(tmp_path_factory):
    return build_efi_app(REARM_APP, tmp_path_factory.mktemp("rearm-app"))


@pytest.fixture(scope="module")
def exit_app(tmp_path_factory):
    return build_efi_app(EXIT_APP, tmp_path_factory.mktemp("exit-app"))


def strata_disk(path, app, runtime=True):
    files = {"/STRATA/STAGE1.BIN": BUILD / "stage1.bin", "/EFI/BOOT/BOOTX64.EFI": app}
    if runtime:
        files["/STRATA/RUNTIME.BIN"] = BUILD / "runtime.bin"
    return build_disk(path, files)


# Without the runtime blob ResetSystem is stage1's fallback stub: the reset must still happen.
@pytest.mark.parametrize("machine,runtime", [("q35", True), ("pc", True), ("q35", False)])
def test_watchdog_resets_a_spinning_payload(tmp_path, qemu, spin_app, machine, runtime):
    run = qemu(strata_disk(tmp_path / "disk.img", spin_app, runtime), machine=machine)
    assert run.wait_for("WDT: armed for 2 s: Success", TIMEOUT), run.log()
    assert run.wait_for("watchdog expired, resetting", TIMEOUT), run.log()
    # -no-reboot: the reset ends QEMU, so the machine really went down.
    assert run.wait_exit(30) is not None, "no reset after the watchdog line\n" + run.log()
    out = run.output
    assert out.index("WDT: armed") < out.index("watchdog expired, resetting"), run.log()
    assert "BOOTX64.EFI returned" not in out, run.log()


def test_boot_manager_disarms_after_an_option_and_arms_5_minutes_for_the_next(tmp_path, qemu,
                                                                             rearm_app):
    run = qemu(strata_disk(tmp_path / "disk.img", rearm_app))
    assert run.wait_for("WDT: armed 2 s and returning: Success", TIMEOUT), run.log()
    assert run.wait_for("WDT: Boot0001 survived", TIMEOUT), run.log()
    assert run.wait_exit(30) == 0, run.log()
    assert "watchdog expired" not in run.output, run.log()


def check_hand_over(out, log):
    for line in EXIT_EXPECTED:
        assert line in out, f"{line!r} missing\n{log}"


def test_exit_boot_services_leaves_no_interrupt_on_ovmf(tmp_path, exit_app):
    if not OVMF_CODE.exists():
        pytest.skip(f"{OVMF_CODE} missing (Debian package ovmf)")
    disk = build_disk(tmp_path / "disk.img", {"/EFI/BOOT/BOOTX64.EFI": exit_app})
    out = ovmf_output(disk, tmp_path, EXIT_EXPECTED[-1], TIMEOUT * 2)
    check_hand_over(out, out)


def test_exit_boot_services_leaves_no_interrupt_and_no_watchdog(tmp_path, qemu, exit_app):
    run = qemu(strata_disk(tmp_path / "disk.img", exit_app))
    assert run.wait_for(EXIT_EXPECTED[-1], TIMEOUT), run.log()
    # isa-debug-exit: (0x10 << 1) | 1, the app's own exit, not a reset.
    assert run.wait_exit(30) == 0x21, run.log()
    check_hand_over(run.output, run.log())
    # OVMF leaves its (masked) APIC timer counting; Strata stops its tick outright.
    assert "EBS: APIC timer stopped" in run.output, run.log()
    assert "watchdog expired" not in run.output, run.log()
