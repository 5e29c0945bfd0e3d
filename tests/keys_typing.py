# SPDX-License-Identifier: MIT
"""Keys typed at efi-apps/keys through QMP send-key, and the KEY lines it must print for them; the
OVMF and the Strata keyboard tests share it."""
import json
import re
import socket
import time

# (keys held together, the KEY line's scan, char, shift, toggle), as EFI numbers in hex.
TYPED = [
    (["a"], 0x00, 0x61, 0x80000000, 0x80),
    (["shift", "a"], 0x00, 0x41, 0x80000000, 0x80),  # Shift chose the character: not reported
    (["ctrl", "c"], 0x00, 0x63, 0x80000008, 0x80),
    (["alt", "x"], 0x00, 0x78, 0x80000020, 0x80),
    (["up"], 0x01, 0x00, 0x80000000, 0x80),
    (["f12"], 0x16, 0x00, 0x80000000, 0x80),
    (["delete"], 0x08, 0x00, 0x80000000, 0x80),
    (["esc"], 0x17, 0x00, 0x80000000, 0x80),
    (["ret"], 0x00, 0x0d, 0x80000000, 0x80),
    (["caps_lock"], None, None, None, None),  # a lock, no key of its own
    (["b"], 0x00, 0x42, 0x80000000, 0x84),
    (["shift", "1"], 0x00, 0x21, 0x80000000, 0x84),
    (["shift", "f1"], 0x0b, 0x00, 0x80000002, 0x84),
]


def qmp_commands(socket_path, commands, timeout=20):
    """Run QMP commands in order on a fresh connection; their replies."""
    deadline = time.monotonic() + timeout
    while not socket_path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    replies = []
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(timeout)
        sock.connect(str(socket_path))
        lines = sock.makefile("r")
        json.loads(lines.readline())  # the greeting
        for command in [{"execute": "qmp_capabilities"}] + commands:
            sock.sendall(json.dumps(command).encode() + b"\n")
            while True:
                reply = json.loads(lines.readline())
                if "return" in reply or "error" in reply:
                    assert "error" not in reply, (command, reply)
                    replies.append(reply["return"])
                    break
    return replies[1:]


def send_key(keys):
    return {"execute": "send-key",
            "arguments": {"keys": [{"type": "qcode", "data": k} for k in keys]}}




def type_and_check(run, qmp):
    """Wait for the app, type TYPED one chord at a time, and check every KEY line it prints."""
    assert run.wait_for("KEYS-READY", 240), run.log()
    assert "KEYS-SETSTATE Success" in run.output and "KEYS-NOTIFY Success" in run.output, run.log()
    expected = [t for t in TYPED if t[1] is not None]
    for keys, *_ in TYPED:
        qmp_commands(qmp, [send_key(keys)])
        time.sleep(0.3)  # released before the next: QEMU holds a key 100 ms
    assert run.wait_for(f"KEY {len(expected)} ", 120), run.log()
    got = re.findall(r"KEY (\d+) scan=(\w+) char=(\w+) shift=(\w+) toggle=(\w+)", run.output)
    assert len(got) == len(expected), run.log()
    for (keys, scan, char, shift, toggle), line in zip(expected, got):
        # EFI_KEY_STATE_EXPOSED (0x40: partial keys are reported) is OVMF's, not Strata's.
        values = [int(v, 16) for v in line[1:]]
        values[3] &= ~0x40
        assert tuple(values) == (scan, char, shift, toggle), \
            f"{'+'.join(keys)}: {line}\n" + run.log()
    assert "KEYS-NOTIFIED F12 1" in run.output, run.log()
