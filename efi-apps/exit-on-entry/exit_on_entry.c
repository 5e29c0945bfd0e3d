// SPDX-License-Identifier: MIT
/* exit-on-entry: marks the payload's first instruction for make bench by exiting QEMU at once. */
#include <efi.h>

/*
 * QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=4) ends the process with
 * status (value << 1) | 1 on any write, so the wall time of QEMU is the time to reach this point.
 * This is the PE entry point itself (linked with -e), so not even gnu-efi's crt0 self-relocation
 * runs first. It touches only eax, so the firmware's ImageHandle (rcx) and SystemTable (rdx) reach
 * crt0's _start intact when no device is there to stop us.
 */
__asm__(".text\n"
	".globl exit_on_entry_start\n"
	"exit_on_entry_start:\n"
	"	xorl %eax, %eax\n"
	"	outb %al, $0xf4\n"
	"	jmp _start\n");

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	/* Still running: the write went nowhere. Say so rather than return silently. */
	st->ConOut->OutputString(st->ConOut,
				 L"exit-on-entry: no isa-debug-exit device at 0xf4\r\n");
	return EFI_UNSUPPORTED;
}
