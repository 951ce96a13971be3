"""One setting moves the faults from the sandbox onto a Kubernetes cluster: which backend each action
calls, and what it asks of it (no cluster runs here: chaosk8s and kubectl are recorded, not reached)."""

import sys
import types

import pytest

from sandboxlab import actions, kubernetes


@pytest.fixture
def recorded(monkeypatch):
    """Every call to the sandbox, to kubectl and to chaosk8s, in order."""
    calls = []
    monkeypatch.setattr(actions.sandbox, "run", lambda *args, **kw: calls.append(("sandbox", *args)) or f"{args[-1]}: done\n")
    monkeypatch.setattr(kubernetes, "kubectl", lambda *args: calls.append(("kubectl", *args)) or "deployment.apps/gateway")
    pod_actions = types.ModuleType("chaosk8s.pod.actions")
    pod_actions.terminate_pods = lambda **kw: calls.append(("terminate_pods", kw))
    pod_actions.exec_in_pods = lambda **kw: calls.append(("exec_in_pods", kw))
    for name, module in {"chaosk8s": types.ModuleType("chaosk8s"), "chaosk8s.pod": types.ModuleType("chaosk8s.pod"),
                         "chaosk8s.pod.actions": pod_actions}.items():
        monkeypatch.setitem(sys.modules, name, module)
    return calls


def test_the_sandbox_is_the_default_target(recorded, monkeypatch):
    monkeypatch.delenv("SANDBOXLAB_TARGET", raising=False)

    actions.kill("kafka")
    actions.pause("redis")

    assert actions.target() == "sandbox"
    assert recorded == [("sandbox", "kill", "kafka"), ("sandbox", "pause", "redis")]


def test_on_kubernetes_a_kill_deletes_the_pods_without_grace_and_a_design_is_a_rollout(recorded, monkeypatch):
    monkeypatch.setenv("SANDBOXLAB_TARGET", "kubernetes")
    monkeypatch.setenv("SANDBOXLAB_NAMESPACE", "lab")

    actions.kill("order-processor")
    actions.pause("redis")
    actions.set_design(["gateway"], {"GATEWAY_RATE_LIMIT_FAIL_MODE": "closed"})
    actions.reset_design(["gateway"])
    actions.restart("gateway")

    assert recorded[0] == ("terminate_pods", {"label_selector": "app.kubernetes.io/name=order-processor", "all": True,
                                              "grace_period": 0, "ns": "lab"})
    assert recorded[1] == ("exec_in_pods", {"cmd": "kill -STOP 1", "label_selector": "app.kubernetes.io/name=redis",
                                            "all": True, "ns": "lab"})
    assert ("kubectl", "set", "env", "deployment/gateway", "GATEWAY_RATE_LIMIT_FAIL_MODE=closed") in recorded
    assert ("kubectl", "set", "env", "deployment/gateway", "GATEWAY_RATE_LIMIT_FAIL_MODE-") in recorded
    assert ("kubectl", "rollout", "restart", "deployment.apps/gateway") in recorded
    assert not [call for call in recorded if call[0] == "sandbox"]


def test_crash_points_are_refused_on_kubernetes_and_an_unknown_target_is_an_error(recorded, monkeypatch):
    monkeypatch.setenv("SANDBOXLAB_TARGET", "kubernetes")
    with pytest.raises(ValueError, match="in a loop"):
        actions.set_design(["order-service"], {}, crash_points={"order-service": "ORDERS_CRASH_BEFORE_COMMIT"})

    monkeypatch.setenv("SANDBOXLAB_TARGET", "docker")
    with pytest.raises(ValueError, match="expected one of sandbox, kubernetes"):
        actions.kill("kafka")
    assert recorded == []


def test_the_reconciliation_waits_for_the_workloads_in_the_background():
    import threading
    import time

    def workload():
        with actions.workload():
            time.sleep(0.5)

    thread = threading.Thread(target=workload)
    thread.start()
    time.sleep(0.1)

    assert actions.await_workloads(timeout=10)["waited_s"] >= 0.3
    thread.join()
    with pytest.raises(TimeoutError):
        with actions.workload():
            actions.await_workloads(timeout=0.1)
