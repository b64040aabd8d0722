"""The version of these bindings: the libpromote version they were written for
(meson.build's project version; test_install.py checks that they agree)."""

__version__ = "0.1.0"
