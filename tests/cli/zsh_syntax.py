"""`zsh -n` on the zsh completion `promote completion zsh` prints
(registered only where zsh is installed). Usage: zsh_syntax.py PROMOTE ZSH"""

import subprocess
import sys
import tempfile

promote, zsh = sys.argv[1:3]
script = subprocess.run([promote, "completion", "zsh"], capture_output=True, text=True, check=True).stdout
assert script.startswith("#compdef promote\n")
with tempfile.NamedTemporaryFile("w", suffix="_promote") as f:
    f.write(script)
    f.flush()
    completed = subprocess.run([zsh, "-n", f.name], capture_output=True, text=True)
sys.stderr.write(completed.stderr)
sys.exit(completed.returncode)
