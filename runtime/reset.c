/* SPDX-License-Identifier: MIT */
/* ResetSystem: reset through the chipset's reset control register, power off through ACPI PM1. */
#include "runtime/port_io.h"
#include "runtime/runtime.h"

/*
 * The reset control register of PIIX3/PIIX4 (pc) and ICH9 (q35), both emulated by QEMU at 0xcf9:
 * SYS_RST (bit 1) selects a full reset, RST_CPU (bit 2) triggers it, FULL_RST (bit 3) also drops
 * power to the rails, which is what a cold reset means.
 */
#define RESET_CONTROL_PORT 0xcf9
#define RESET_CONTROL_WARM 0x06
#define RESET_CONTROL_COLD 0x0e

/* The 8042's "pulse output line 0" command resets the CPU on every PC since the AT. */
#define KBC_STATUS_PORT 0x64
#define KBC_COMMAND_PORT 0x64
#define KBC_STATUS_INPUT_FULL 0x02
#define KBC_PULSE_RESET 0xfe

#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP_MASK (7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN (1u << 13)

#define ACPI_SPACE_SYSTEM_IO 1

/* A write that resets takes effect at once under QEMU; give real hardware a moment anyway. */
#define SETTLE_LOOPS 1000000

static UINT16 pm1a_control_port;
static UINT16 s5_sleep_type;
static UINT8 reset_space;
static UINT8 reset_value;
static UINT64 reset_address;

void reset_init(const struct runtime_boot_info *info)
{
	pm1a_control_port = info->pm1a_control_port;
	s5_sleep_type = info->s5_sleep_type;
	reset_space = info->reset_space;
	reset_value = info->reset_value;
	reset_address = info->reset_address;
}

static void settle(void)
{
	for (UINT32 i = 0; i < SETTLE_LOOPS; i++)
		cpu_relax();
}

static void reset_keyboard_controller(void)
{
	for (UINT32 i = 0; i < SETTLE_LOOPS; i++) {
		if (!(inb(KBC_STATUS_PORT) & KBC_STATUS_INPUT_FULL))
			break;
		cpu_relax();
	}
	outb(KBC_COMMAND_PORT, KBC_PULSE_RESET);
	settle();
}

static void reset_platform(BOOLEAN cold)
{
	/*
	 * The FADT's reset register is what the OS would use itself; only an I/O one is usable
	 * here, since an MMIO one would need a mapping the OS never gave us.
	 */
	if (!cold && reset_space == ACPI_SPACE_SYSTEM_IO && reset_address &&
	    reset_address <= 0xffff) {
		outb((UINT16)reset_address, reset_value);
		settle();
	}
	outb(RESET_CONTROL_PORT, cold ? RESET_CONTROL_COLD : RESET_CONTROL_WARM);
	settle();
	reset_keyboard_controller();
}

static void shutdown(void)
{
	UINT16 v;

	if (!pm1a_control_port)
		return;
	/* Keep SCI_EN and the other bits the OS left in PM1_CNT; only the sleep request changes. */
	v = inw(pm1a_control_port) & (UINT16)~PM1_CNT_SLP_TYP_MASK;
	v |= (UINT16)((s5_sleep_type << PM1_CNT_SLP_TYP_SHIFT) & PM1_CNT_SLP_TYP_MASK);
	outw(pm1a_control_port, v | PM1_CNT_SLP_EN);
	settle();
}

__attribute__((noreturn)) VOID EFIAPI efi_reset_system(EFI_RESET_TYPE ResetType,
							EFI_STATUS ResetStatus, UINTN DataSize,
							VOID *ResetData)
{
	switch (ResetType) {
	case EfiResetShutdown:
		shutdown();
		break;
	case EfiResetWarm:
		reset_platform(FALSE);
		break;
	case EfiResetCold:
	case EfiResetPlatformSpecific:
	default:
		/* No platform-specific resets exist here; a cold one is the safe reading (EDK2). */
		reset_platform(TRUE);
		break;
	}
	/* Nothing worked: stop here rather than return, which the specification does not allow. */
	cpu_halt_forever();
}
