"""Network faults through Toxiproxy, placed between one service and one store of the running sandbox.

The sandbox's default path has no proxy in it. ``proxy_store`` starts a Toxiproxy server (``./sandbox
tool toxiproxy-server``, built once), opens a proxy to the store's real address, and restarts the
service with its address pointed at the proxy (plus any design settings); ``add_latency`` and
``cut`` break that one path, for that one service, while every other client of the store is left
alone; ``remove_proxy`` (the rollback) puts the service back on the store and stops the server.
The server's API is Toxiproxy's own HTTP API, the one ``chaostoolkit-toxiproxy`` drives.
"""

import json
import socket
import subprocess
import time
import urllib.request

from . import actions, sandbox

#: The one proxy server of this experiment run: {"process", "api", "listen", "service", "setting"}.
STATE = {}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api(method: str, path: str, body: dict = None):
    request = urllib.request.Request(STATE["api"] + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
        return json.loads(text) if text and response.headers.get_content_type() == "application/json" else text.decode()


def start_server() -> str:
    """Starts a Toxiproxy server on a free port unless this run has one; returns its API's URL."""
    if STATE.get("process") and STATE["process"].poll() is None:
        return STATE["api"]
    binary = subprocess.run([*sandbox.command(), "tool", "toxiproxy-server"], cwd=sandbox.ROOT, capture_output=True,
                            text=True, timeout=900, check=True).stdout.strip().splitlines()[-1]
    port = free_port()
    STATE["process"] = subprocess.Popen([binary, "-host", "127.0.0.1", "-port", str(port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    STATE["api"] = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            api("GET", "/version")
            return STATE["api"]
        except OSError:
            if time.monotonic() > deadline or STATE["process"].poll() is not None:
                raise RuntimeError(f"toxiproxy-server did not answer on {STATE['api']}")
            time.sleep(0.2)


def proxy_store(service: str, setting: str, scheme: str = "", settings: dict = None, name: str = "store") -> dict:
    """Puts a proxy between ``service`` and the store its ``setting`` (an environment variable such as
    ``QUARKUS_REDIS_HOSTS``) names, and restarts the service with the setting pointed at the proxy and
    the design ``settings``. ``scheme`` is the address' prefix (``redis://``)."""
    upstream = sandbox.environment(service)[setting]
    host_port = upstream[len(scheme):].split("/")[0] if upstream.startswith(scheme) else upstream
    start_server()
    listen = f"127.0.0.1:{free_port()}"
    api("POST", "/proxies", {"name": name, "listen": listen, "upstream": host_port, "enabled": True})
    STATE.update(listen=listen, service=service, name=name)
    actions.set_design([service], {**(settings or {}), setting: f"{scheme}{listen}"})
    return {"proxy": name, "listen": listen, "upstream": host_port, "service": service}


def add_latency(latency_ms: int, jitter_ms: int = 0, name: str = "store") -> dict:
    """Every answer from the store arrives ``latency_ms`` late (a latency toxic downstream)."""
    api("POST", f"/proxies/{name}/toxics", {"name": "latency", "type": "latency", "stream": "downstream",
                                            "toxicity": 1.0, "attributes": {"latency": int(latency_ms), "jitter": int(jitter_ms)}})
    return {"proxy": name, "latency_ms": int(latency_ms), "jitter_ms": int(jitter_ms), "at": time.time()}


def cut(name: str = "store") -> dict:
    """No byte passes either way, and connections stay open (a timeout toxic of 0: until removed)."""
    api("POST", f"/proxies/{name}/toxics", {"name": "cut", "type": "timeout", "stream": "upstream", "toxicity": 1.0,
                                            "attributes": {"timeout": 0}})
    return {"proxy": name, "cut": True, "at": time.time()}


def remove_toxics(name: str = "store") -> dict:
    """The path heals: every toxic of the proxy removed."""
    removed = [toxic["name"] for toxic in api("GET", f"/proxies/{name}/toxics") or []]
    for toxic in removed:
        api("DELETE", f"/proxies/{name}/toxics/{toxic}")
    return {"proxy": name, "removed": removed, "at": time.time()}


def remove_proxy(service: str) -> dict:
    """The rollback: the service back on the store itself with the sandbox's design, the server stopped."""
    actions.reset_design([service])
    process = STATE.pop("process", None)
    if process is not None and process.poll() is None:
        process.terminate()
        process.wait(10)
    return {"service": service, "proxy": "removed"}
