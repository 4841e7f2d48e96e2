#!/usr/bin/env python3
"""Run a command under a real pseudo-terminal, for end-to-end tests.

    python3 pty-driver.py [--cols N] [--rows N] -- COMMAND [ARGS...]

The command gets a pty as its stdin, stdout and stderr (and as its controlling
terminal, so isatty() is true everywhere and Ctrl-C reaches the line
discipline). Bytes written to this driver's stdin are typed into the terminal
as they arrive; everything the command writes to the terminal is relayed,
unchanged, to this driver's stdout. EOF on stdin stops the typing but leaves
the terminal open (a real terminal does not close because nobody types).

The driver exits with the command's exit code, or 128 + N when signal N
killed it. SIGTERM/SIGINT/SIGHUP to the driver kill the command's whole
process group first, so a test that gives up never leaks a child.

Python standard library only (pty, termios, select): no node-pty needed.
"""

import errno
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios


def parse_args(argv):
    cols, rows = 100, 30
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] == "--cols":
            cols = int(argv[i + 1])
            i += 2
        elif argv[i] == "--rows":
            rows = int(argv[i + 1])
            i += 2
        else:
            sys.stderr.write(f"pty-driver: unknown option {argv[i]}\n")
            sys.exit(64)
    cmd = argv[i + 1:]
    if not cmd:
        sys.stderr.write("usage: pty-driver.py [--cols N] [--rows N] -- COMMAND [ARGS...]\n")
        sys.exit(64)
    return cols, rows, cmd


def write_all(fd, data):
    while data:
        try:
            n = os.write(fd, data)
        except InterruptedError:
            continue
        data = data[n:]


def main():
    cols, rows, cmd = parse_args(sys.argv[1:])
    pid, master = pty.fork()
    if pid == 0:
        # Child: fd 0/1/2 are the pty's slave side and we lead a new session.
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvp(cmd[0], cmd)
        except Exception as e:  # exec failed: say so on the terminal
            os.write(2, f"pty-driver: cannot run {cmd[0]}: {e}\n".encode())
        os._exit(127)

    def kill_child(signum, _frame):
        for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                target()
            except OSError:
                pass
        os._exit(128 + signum)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, kill_child)

    out = sys.stdout.fileno()
    stdin_open = True
    status = None
    while True:
        fds = [master] + ([0] if stdin_open else [])
        try:
            ready, _, _ = select.select(fds, [], [], 0.05)
        except InterruptedError:
            continue
        if master in ready:
            try:
                data = os.read(master, 65536)
            except OSError as e:
                if e.errno != errno.EIO:  # EIO: the slave side is closed (child gone)
                    raise
                data = b""
            if data:
                write_all(out, data)
            else:
                break
        if stdin_open and 0 in ready:
            data = os.read(0, 65536)
            if data:
                write_all(master, data)
            else:
                stdin_open = False
        if status is None:
            # The child may exit while a grandchild still holds the slave open;
            # still wait for the slave to close so no output is lost, but note it.
            wpid, st = os.waitpid(pid, os.WNOHANG)
            if wpid == pid:
                status = st
                # Drain whatever is left without blocking forever.
                while True:
                    r, _, _ = select.select([master], [], [], 0.2)
                    if not r:
                        break
                    try:
                        data = os.read(master, 65536)
                    except OSError:
                        data = b""
                    if not data:
                        break
                    write_all(out, data)
                break

    if status is None:
        _, status = os.waitpid(pid, 0)
    os.close(master)
    if os.WIFEXITED(status):
        sys.exit(os.WEXITSTATUS(status))
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(1)


if __name__ == "__main__":
    main()
