"""The sandbox's faults on a Kubernetes cluster: the same functions as ``sandbox`` target, over
``chaostoolkit-kubernetes`` (``chaosk8s``) and ``kubectl``, for the deployment in ``deploy/``.

Chosen by one setting, ``SANDBOXLAB_TARGET=kubernetes`` (``actions.target()``); the namespace is
``SANDBOXLAB_NAMESPACE`` (default ``sandbox``). A component is its pods' ``app.kubernetes.io/name``
label. Install ``chaostoolkit-kubernetes`` into the experiments' environment to use it, with a
kubeconfig for the cluster; the probes need the stores' addresses (``kubectl port-forward``).

What differs from a local sandbox:

* kill: the pods are deleted with no grace period (SIGKILL to every container); their controller
  starts new ones, so ``restart`` waits for the Deployment (or StatefulSet) to be available again;
* pause/resume: Kubernetes has no SIGSTOP of a pod; ``kill -STOP 1`` in its containers does it
  (the image needs a shell and ``kill``);
* a design: ``kubectl set env`` on the Deployment, which rolls it out; ``--list`` of the variables
  to remove them is the rollback.
"""

import os
import subprocess


def namespace() -> str:
    return os.environ.get("SANDBOXLAB_NAMESPACE", "sandbox")


def selector(component: str) -> str:
    return f"app.kubernetes.io/name={component}"


def kubectl(*args: str) -> str:
    done = subprocess.run(["kubectl", "-n", namespace(), *args], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"kubectl {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


def kill(component: str) -> str:
    from chaosk8s.pod.actions import terminate_pods
    terminate_pods(label_selector=selector(component), all=True, grace_period=0, ns=namespace())
    return f"{component}: killed"


def pause(component: str) -> str:
    from chaosk8s.pod.actions import exec_in_pods
    exec_in_pods(cmd="kill -STOP 1", label_selector=selector(component), all=True, ns=namespace())
    return f"{component}: paused"


def resume(component: str) -> str:
    from chaosk8s.pod.actions import exec_in_pods
    exec_in_pods(cmd="kill -CONT 1", label_selector=selector(component), all=True, ns=namespace())
    return f"{component}: resumed"


def restart(component: str) -> str:
    """A rollout of the component's workload, waited for: new pods, ready."""
    workload = kubectl("get", "deployment,statefulset", "-l", selector(component), "-o", "name").split()
    for name in workload:
        kubectl("rollout", "restart", name)
        kubectl("rollout", "status", name, "--timeout=300s")
    return f"{component}: restarted"


def running(component: str) -> bool:
    phases = kubectl("get", "pods", "-l", selector(component), "-o", "jsonpath={.items[*].status.phase}").split()
    return "Running" in phases


def set_service_env(service: str, settings: dict) -> None:
    kubectl("set", "env", f"deployment/{service}", *[f"{key}={value}" for key, value in sorted(settings.items())])
    kubectl("rollout", "status", f"deployment/{service}", "--timeout=300s")


def unset_service_env(service: str, keys: list) -> None:
    kubectl("set", "env", f"deployment/{service}", *[f"{key}-" for key in sorted(keys)])
    kubectl("rollout", "status", f"deployment/{service}", "--timeout=300s")
