"""A pseudo-terminal for the tests that check what `promote` draws on a terminal."""

import os
import select


def read_until_closed(master, quiet_seconds=120):
    """Everything written to the pseudo-terminal whose master side is `master` until its other side
    is closed (by the last process holding it); fails when nothing comes for `quiet_seconds`. Closes
    `master`."""
    got = b""
    while True:
        ready, _, _ = select.select([master], [], [], quiet_seconds)
        assert ready, "promote wrote nothing for %d s" % quiet_seconds
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the last holder of the terminal's other side is gone
            break
        if not chunk:
            break
        got += chunk
    os.close(master)
    return got
