// SPDX-License-Identifier: MIT
/* readbench: shared declarations of its clock (ACPI PM timer or TSC) and its two measurements. */
#pragma once

#include <efi.h>
#include <efilib.h>

/* Pick and calibrate a clock; prints which one after "app: ". EFI_NOT_READY if none works. */
EFI_STATUS clock_init(const CHAR16 *app);

/* TSC now; clock_us() turns a TSC difference into microseconds. */
UINT64 clock_now(void);
UINT64 clock_us(UINT64 tsc_delta);

/* Read the bench file from the boot volume in 1 MiB requests and print bytes and microseconds. */
EFI_STATUS read_bench_file(EFI_HANDLE image);

/* Create, write (1 MiB requests) and flush a 64 MiB file; print bytes and microseconds; delete it. */
EFI_STATUS write_bench_file(EFI_HANDLE image);

/* Print the memory map's page count per type and the runtime total the OS must keep. */
EFI_STATUS print_memory_totals(void);
