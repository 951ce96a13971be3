"""The sandbox's actions and probes for Chaos Toolkit experiments.

Actions (``sandboxlab.actions``) drive ``./sandbox``: set a design switch by restarting a service
with settings, kill -9 / pause / resume / restart a component, halt a service at a crash point,
run a k6 workload for the method's duration. Probes (``sandboxlab.probes``) are the invariants:
reconciliation queries against the real stores, counting what was lost or duplicated since the
experiment began. ``sandboxlab.report`` turns a journal into a report.
"""
