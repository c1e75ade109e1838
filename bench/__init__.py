"""Benchmarks: API requests and provider overhead against the physical minimum.

Run ``python -m bench.run [--quick] [--out bench/results/latest.json]``: it prints a table
(figure, measured, target, met?) and writes every figure as JSON. Everything is measured through
Pulumi's own provider host (``provider.testing``) against the emulator (``provider.emulator``);
one module per concern, each exposing ``measure(...) -> dict``:

- ``requests_per_op``: HTTP requests per create/read/update/delete and IMS tokens per process;
- ``noop_preview``: requests and time of a preview of unchanged resources;
- ``overhead``: N creates through the host against a bare ``requests`` loop, with and without
  emulated latency, sequential and 4-way parallel;
- ``cold_start``: process start to first Create answered, ours against ``empty_provider``;
- ``provider_blob``: the size of ``__provider``;
- ``memory``: the host's peak resident memory.

These are figures, not tests: nothing here asserts a time.
"""
