"""ruamel.yaml (round-trip mode, preserve_quotes) doing what
`promote yaml set -e image.tag=v6 FILE...` does, in place, one process.

Usage: python3 yaml-set-ruamel.py PATH VALUE FILE...
  PATH is dotted (image.tag); VALUE is set as a string.
"""
import sys

from ruamel.yaml import YAML


def main(argv):
    keys = argv[1].split(".")
    value = argv[2]
    yaml = YAML()  # typ="rt": round-trip, keeps comments and key order
    yaml.preserve_quotes = True
    for name in argv[3:]:
        with open(name, encoding="utf-8") as f:
            data = yaml.load(f)
        node = data
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
        with open(name, "w", encoding="utf-8") as f:
            yaml.dump(data, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
