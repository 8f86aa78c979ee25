"""The sandbox's seccomp filter: system calls that would open a channel out of the sandbox.

bubblewrap loads a classic BPF program (`bwrap --seccomp FD`); this module writes that program.
It closes what namespaces leave shared between sandboxes and with the grader:

- the kernel keyrings (`add_key`, `request_key`, `keyctl`): a sandbox inherits the grader's
  session keyring, and keys outlive processes; denied (EPERM), as Docker's default profile does;
- file locks (`flock`, `fcntl` F_SETLK/F_SETLKW/F_OFD_SETLK/F_OFD_SETLKW): two sandboxes that lock
  the same read-only file signal each other; these calls succeed without taking any lock, so a
  lock has no effect across sandboxes (F_GETLK then always sees none);
- file-access notification (`inotify_*`, `fanotify_init`): watching a shared file shows when
  another sandbox opens it; denied (ENOSYS, so libraries fall back to polling);
- sockets other than AF_UNIX: the sandbox has no network, and TCP buffers escape a cgroup v1
  memory limit; denied (EAFNOSUPPORT);
- io_uring: bypasses the filter for the calls it performs; denied (ENOSYS).

Filters exist for x86_64 and aarch64; any other architecture's system calls (i386 or x32 on an
x86_64 kernel) are denied outright.
"""

from __future__ import annotations

import errno
import platform
import struct
from pathlib import Path

# Classic BPF opcodes (linux/filter.h, linux/bpf_common.h) and seccomp return values.
LD_W_ABS = 0x20          # BPF_LD | BPF_W | BPF_ABS
JEQ_K = 0x15             # BPF_JMP | BPF_JEQ | BPF_K
JGE_K = 0x35             # BPF_JMP | BPF_JGE | BPF_K
RET_K = 0x06             # BPF_RET | BPF_K
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
OFFSET_NR, OFFSET_ARCH = 0, 4
OFFSET_ARG = (16, 24)    # low 32 bits of args[0] and args[1] (little-endian)

AF_UNIX = 1
LOCK_COMMANDS = (6, 7, 37, 38)  # F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW

# name -> (x86_64 number, aarch64 number); None where the architecture has no such call.
SYSCALLS = {
    "add_key": (248, 217), "request_key": (249, 218), "keyctl": (250, 219),
    "flock": (73, 32), "fcntl": (72, 25),
    "inotify_init": (253, None), "inotify_init1": (294, 26), "inotify_add_watch": (254, 27),
    "fanotify_init": (300, 262),
    "socket": (41, 198), "socketpair": (53, 199),
    "io_uring_setup": (425, 425), "io_uring_enter": (426, 426), "io_uring_register": (427, 427),
}
ARCHES = {"x86_64": (0, 0xC000003E), "aarch64": (1, 0xC00000B7)}  # column in SYSCALLS, AUDIT_ARCH_*
X32_SYSCALL_BIT = 0x40000000

DENIED = {  # call -> errno
    "add_key": errno.EPERM, "request_key": errno.EPERM, "keyctl": errno.EPERM,
    "inotify_init": errno.ENOSYS, "inotify_init1": errno.ENOSYS, "inotify_add_watch": errno.ENOSYS,
    "fanotify_init": errno.ENOSYS,
    "io_uring_setup": errno.ENOSYS, "io_uring_enter": errno.ENOSYS, "io_uring_register": errno.ENOSYS,
}
NO_OP = ("flock",)  # returns 0, does nothing


class UnsupportedArchitecture(RuntimeError):
    """No filter is defined for this machine's architecture."""


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def _errno(number: int) -> int:
    return RET_ERRNO | number


def program(machine: str | None = None) -> bytes:
    """The BPF program for ``machine`` (default: this one), as bwrap reads it from its fd."""
    machine = machine or platform.machine()
    if machine not in ARCHES:
        raise UnsupportedArchitecture(f"the grading sandbox's seccomp filter covers x86_64 and aarch64, not {machine}")
    column, audit_arch = ARCHES[machine]
    number = {name: numbers[column] for name, numbers in SYSCALLS.items() if numbers[column] is not None}
    # Built as (instruction, label to jump to when true) pairs, then labels resolved to offsets.
    body: list[tuple[int, int, str | None]] = []  # (code, k, target label)
    body.append((LD_W_ABS, OFFSET_ARCH, None))
    body.append((JEQ_K, audit_arch, "arch_ok"))
    body.append((RET_K, _errno(errno.ENOSYS), None))
    labels = {"arch_ok": len(body)}
    body.append((LD_W_ABS, OFFSET_NR, None))
    if machine == "x86_64":
        body.append((JGE_K, X32_SYSCALL_BIT, "enosys"))
    for name, code in DENIED.items():
        if name in number:
            body.append((JEQ_K, number[name], f"errno_{code}"))
    for name in NO_OP:
        body.append((JEQ_K, number[name], "succeed"))
    body.append((JEQ_K, number["fcntl"], "fcntl"))
    body.append((JEQ_K, number["socket"], "socket"))
    body.append((JEQ_K, number["socketpair"], "socket"))
    body.append((RET_K, RET_ALLOW, None))
    labels["fcntl"] = len(body)
    body.append((LD_W_ABS, OFFSET_ARG[1], None))
    for command in LOCK_COMMANDS:
        body.append((JEQ_K, command, "succeed"))
    body.append((RET_K, RET_ALLOW, None))
    labels["socket"] = len(body)
    body.append((LD_W_ABS, OFFSET_ARG[0], None))
    body.append((JEQ_K, AF_UNIX, "allow"))
    body.append((RET_K, _errno(errno.EAFNOSUPPORT), None))
    labels["allow"] = len(body)
    body.append((RET_K, RET_ALLOW, None))
    labels["succeed"] = len(body)
    body.append((RET_K, _errno(0), None))  # SECCOMP_RET_ERRNO with 0: the call returns 0 unperformed
    labels["enosys"] = len(body)
    body.append((RET_K, _errno(errno.ENOSYS), None))
    for code in sorted(set(DENIED.values())):
        labels[f"errno_{code}"] = len(body)
        body.append((RET_K, _errno(code), None))
    out = b""
    for index, (code, k, target) in enumerate(body):
        if target is None:
            out += _insn(code, k)
        else:
            jump = labels[target] - index - 1
            if not 0 <= jump < 256:
                raise AssertionError(f"jump to {target} out of range: {jump}")
            out += _insn(code, k, jt=jump, jf=0)
    return out


def write_program(path: Path, machine: str | None = None) -> Path:
    """Write the filter to ``path`` (readable by the grader only) and return it."""
    path.write_bytes(program(machine))
    path.chmod(0o600)
    return path
