# SPDX-License-Identifier: MIT
"""GDB helper for Strata: symbols of stage0, stage1 and the runtime at their load addresses, the
runtime followed to its virtual address after SetVirtualAddressMap, and symbols for the EFI
images the debug image info table lists. Load it with `source strata_gdb.py` (make debug does).

    strata-symbols [DIR]      stage0 now; stage1 and the runtime when stage0 has loaded them
                              (and again when the runtime relocates); DIR holds the ELF files
    strata-images [DIR...]    list the debug image info table; load image symbols found in DIR
    strata-where ADDR         which part of Strata or which image holds ADDR
"""
import os
import struct

import gdb

DEBUG_IMAGE_INFO_TABLE_GUID = struct.pack("<IHH8B", 0x49152E77, 0x1ADA, 0x4764,
                                          0xB7, 0xA2, 0x7A, 0xFE, 0xFE, 0xD9, 0x5E, 0x8B)
ELF_NAMES = {"stage0": "stage0.elf", "stage1": "stage1.elf", "runtime": "runtime.elf"}


class State:
    dir = None
    bases = {}          # part -> load address its symbols were added at
    images = {}         # image base -> symbol file added there
    hooks = []


def read(addr, size):
    return bytes(gdb.selected_inferior().read_memory(addr, size))


def u64(addr):
    return struct.unpack("<Q", read(addr, 8))[0]


def u32(addr):
    return struct.unpack("<I", read(addr, 4))[0]


def arg(name, register):
    """A hook's argument by its debug-info name, else the register the ABI passes it in."""
    try:
        return int(gdb.parse_and_eval(name))
    except gdb.error:
        return int(gdb.parse_and_eval(register))


def elf(part):
    path = os.path.join(State.dir, ELF_NAMES[part])
    if not os.path.exists(path):
        raise gdb.GdbError(f"strata: {path} not found (build it, or give strata-symbols DIR)")
    return path


def add_symbols(part, base):
    """(Re)load part's symbols with its link address 0 at base."""
    path = elf(part)
    if part in State.bases:
        gdb.execute(f"remove-symbol-file {path}", to_string=True)
    gdb.execute(f"add-symbol-file {path} -o {base:#x}", to_string=True)
    State.bases[part] = base
    gdb.write(f"strata: {part} symbols at {base:#x}\n")


class StagesLoaded(gdb.Breakpoint):
    """stage0 has loaded stage1 and the runtime: their bases are in the hand-off block ($rdi)."""

    def __init__(self):
        super().__init__("strata_gdb_stages_loaded", internal=True)

    def stop(self):
        h = gdb.parse_and_eval(f"*(struct handoff *){arg('h', '$rdi'):#x}")
        add_symbols("stage1", int(h["stage1_base"]))
        if int(h["flags"]) & 2:  # HANDOFF_FLAG_RUNTIME_PRESENT
            add_symbols("runtime", int(h["runtime_base"]))
            if not any(isinstance(b, RuntimeRelocated) for b in State.hooks):
                State.hooks.append(RuntimeRelocated())
        return False


class RuntimeRelocated(gdb.Breakpoint):
    """The runtime relocated itself for SetVirtualAddressMap: move its symbols by the delta."""

    def __init__(self):
        super().__init__("strata_gdb_runtime_relocated", internal=True)

    def stop(self):
        old, new = arg("old_base", "$rdi"), arg("new_base", "$rsi")
        gdb.write(f"strata: runtime relocated {old:#x} -> {new:#x} "
                  f"(delta {(new - old) & (2**64 - 1):#x})\n")
        add_symbols("runtime", new)
        return False


class Symbols(gdb.Command):
    """strata-symbols [DIR]: Strata's symbols now and as the stages load and relocate."""

    def __init__(self):
        super().__init__("strata-symbols", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        State.dir = os.path.abspath(arg.strip() or State.dir or "build")
        gdb.execute("set breakpoint pending on", to_string=True)
        add_symbols("stage0", 0)
        if not State.hooks:
            State.hooks.append(StagesLoaded())


def device_path_text(addr):
    """The file path nodes of a device path, joined (as a loaded image's FilePath holds them)."""
    parts = []
    for _ in range(32):
        kind, sub, length = struct.unpack("<BBH", read(addr, 4))
        if kind == 0x7F or length < 4:
            break
        if kind == 4 and sub == 4:
            parts.append(read(addr + 4, length - 4).decode("utf-16-le").rstrip("\0"))
        addr += length
    return "\\" + "\\".join(p.strip("\\") for p in parts) if parts else "(no file path)"


def debug_image_table():
    """[(base, size, path)] from the debug image info table, found through stage1's efi_st."""
    try:
        st = int(gdb.parse_and_eval("(unsigned long)efi_st"))
    except gdb.error:
        raise gdb.GdbError("strata: stage1's symbols are not loaded (strata-symbols first)")
    count, tables = u64(st + 104), u64(st + 112)
    header = 0
    for i in range(count):
        if read(tables + 24 * i, 16) == DEBUG_IMAGE_INFO_TABLE_GUID:
            header = u64(tables + 24 * i + 16)
    if not header:
        raise gdb.GdbError("strata: no EFI_DEBUG_IMAGE_INFO_TABLE in the system table")
    size, entries = u32(header + 4), u64(header + 8)
    images = []
    for i in range(size):
        normal = u64(entries + 8 * i)
        if not normal or u32(normal) != 1:
            continue
        li = u64(normal + 8)
        # EFI_LOADED_IMAGE_PROTOCOL: FilePath at 32, ImageBase at 64, ImageSize at 72.
        path = u64(li + 32)
        images.append((u64(li + 64), u64(li + 72), device_path_text(path) if path else ""))
    return images


def find_debug_file(path, dirs):
    """NAME.debug, NAME.so or NAME.elf beside NAME.efi in one of dirs, by the file's base name."""
    stem = os.path.splitext(path.replace("\\", "/").split("/")[-1])[0]
    for d in dirs:
        for name in (stem + ".debug", stem + ".so", stem + ".elf", stem.lower() + ".so"):
            if os.path.exists(os.path.join(d, name)):
                return os.path.join(d, name)
    return None


class Images(gdb.Command):
    """strata-images [DIR...]: the loaded EFI images; symbols for those with a debug file in DIR."""

    def __init__(self):
        super().__init__("strata-images", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        dirs = arg.split() or [os.path.join(State.dir or "build", "efi-apps")]
        for base, size, path in debug_image_table():
            debug = find_debug_file(path, dirs)
            note = ""
            if debug and State.images.get(base) != debug:
                gdb.execute(f"add-symbol-file {debug} -o {base:#x}", to_string=True)
                State.images[base] = debug
                note = f"  symbols from {debug}"
            gdb.write(f"{base:#018x} {size:#9x}  {path}{note}\n")


class Where(gdb.Command):
    """strata-where ADDR: the Strata part (and function) or EFI image holding ADDR."""

    def __init__(self):
        super().__init__("strata-where", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        addr = int(gdb.parse_and_eval(arg))
        sym = gdb.execute(f"info symbol {addr:#x}", to_string=True).strip()
        if not sym.startswith("No symbol"):
            gdb.write(sym + "\n")
            return
        for base, size, path in debug_image_table():
            if base <= addr < base + size:
                gdb.write(f"{path}+{addr - base:#x}\n")
                return
        gdb.write("no known part of Strata or image\n")


Symbols()
Images()
Where()
