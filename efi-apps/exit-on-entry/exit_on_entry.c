// SPDX-License-Identifier: MIT
/* exit-on-entry: marks the payload's first instruction for make bench by exiting QEMU at once. */
#include <efi.h>

/*
 * QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=4) ends the process with
 * status (value << 1) | 1 on any write, so the wall time of QEMU is the time to reach this line.
 */
#define DEBUG_EXIT_PORT 0xf4

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	__asm__ volatile("outb %b0, %w1" : : "a"((UINT8)0), "Nd"((UINT16)DEBUG_EXIT_PORT));
	/* Without the device the write goes nowhere: say so, rather than return silently. */
	st->ConOut->OutputString(st->ConOut,
				 L"exit-on-entry: no isa-debug-exit device at 0xf4\r\n");
	return EFI_UNSUPPORTED;
}
