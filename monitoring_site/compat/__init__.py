"""Compatibility surfaces: each reference API document's own paths, keys and shapes (DESIGN section 9),
as thin adapters over the native services and selectors. One module per document:

- ``evertask``: 002, ``/evertask-monitoring/api/...``
- ``agent_monitoring``: 003, ``/api/v1/monitoring/...``
- ``theeye``: 004, ``/{customer}/monitor``, ``/job``, ``/job/secret/{key}``, ``/{customer}/job/{id}``
- ``spoonos``: 000, ``/monitoring/tasks...``, ``/monitoring/channels``

The uptime document (001) needs no adapter: ``/api/...`` is the native API itself. ``docs/compatibility.md``
lists what still differs from each document, and why.
"""
