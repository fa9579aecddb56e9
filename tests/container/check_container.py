#!/usr/bin/env python3
"""Checks what the container would run, without a Docker engine.

1. Reads the Dockerfile's final stage (WORKDIR, COPY, USER, ENV, HEALTHCHECK, CMD)
   and docker-compose.yml (with PyYAML), and checks them against each other
   and against the README's "Docker" section (services, ports, environment).
2. Lays out the runtime image's WORKDIR in a temporary folder (the release
   binary and config/ only), starts the binary exactly as CMD does, from that
   folder, with the compose file's environment for `web` (the database host
   pointed at this machine's PostgreSQL, on a fresh database), and calls the
   HEALTHCHECK's URL and the readiness probe. Then stops it with SIGTERM.

    python3 tests/container/check_container.py --binary target/release/healthcare_backend-cli
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED_VARIABLES = [
    "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_HOST",
    "DB_PORT", "JWT_ACCESS_TOKEN_LIFETIME_MINUTES", "JWT_REFRESH_TOKEN_LIFETIME_DAYS",
    "CORS_ALLOWED_ORIGINS",
]
failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


def final_stage(dockerfile):
    """The instructions of the last FROM stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", dockerfile)
    stages, current = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            current = []
            stages.append(current)
        current.append(line)
    return stages[-1]


def parse_env(instruction):
    pairs = re.findall(r'(\w+)=("[^"]*"|\S+)', instruction)
    return {key: value.strip('"') for key, value in pairs}


def readme_docker_section():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    match = re.search(r"^## Docker\n(.*?)(?=^## )", readme, re.S | re.M)
    return match.group(1) if match else ""


def static_checks():
    dockerfile = open(os.path.join(ROOT, "Dockerfile"), encoding="utf-8").read()
    stage = final_stage(dockerfile)
    by_kind = {}
    for line in stage:
        by_kind.setdefault(line.split()[0].upper(), []).append(line)
    workdir = by_kind["WORKDIR"][-1].split()[1]
    cmd = json.loads(by_kind["CMD"][-1][len("CMD"):].strip())
    env = {}
    for line in by_kind.get("ENV", []):
        env.update(parse_env(line[len("ENV"):]))
    copies = [line.split()[-1] for line in by_kind.get("COPY", [])]
    check(len(re.findall(r"^FROM ", dockerfile, re.M)) >= 2, "Dockerfile is multi-stage")
    check(by_kind.get("USER", ["USER root"])[-1].split()[1] not in ("root", "0"), "runs as a non-root user")
    check("HEALTHCHECK" in by_kind, "has a HEALTHCHECK")
    check(sorted(copies) == sorted([cmd[0], os.path.join(workdir, "config")]),
          f"the runtime image holds the binary and config/ only: {copies}")
    check(cmd[0].startswith(workdir + "/"), f"CMD runs the binary from WORKDIR {workdir}: {cmd}")
    check(env.get("LOCO_ENV") == "production", "the image runs the production environment")
    health = re.search(r"(http://\S+?)[\"']", by_kind["HEALTHCHECK"][-1]).group(1)

    compose = yaml.safe_load(open(os.path.join(ROOT, "docker-compose.yml"), encoding="utf-8"))
    services = compose["services"]
    check(sorted(services) == ["db", "web"], f"compose services are db and web: {sorted(services)}")
    check("healthcheck" in services["db"], "db has a healthcheck")
    check(any(str(v).split(":")[0] in compose.get("volumes", {}) for v in services["db"].get("volumes", [])),
          "db keeps its data in a named volume")
    check(services["web"]["depends_on"]["db"]["condition"] == "service_healthy",
          "web waits for a healthy db")
    web_env = {k: str(v) for k, v in services["web"]["environment"].items()}
    for name in SEED_VARIABLES:
        check(name in web_env, f"compose web sets {name}")
    check(web_env.get("DEBUG") == "False", "compose web runs with DEBUG=False")
    ports = [str(p) for p in services["web"]["ports"]]
    check(ports == [f"{web_env['PORT']}:{env.get('PORT', web_env['PORT'])}"],
          f"web publishes its PORT: {ports}")

    section = readme_docker_section()
    check(bool(section), "README has a Docker section")
    for service in services:
        check(f"`{service}`" in section, f"README names the {service} service")
    for port in ports:
        check(port in section, f"README gives the port mapping {port}")
    for name in web_env:
        check(f"`{name}`" in section, f"README lists the compose variable {name}")
    return workdir, cmd, env, web_env, health


def free_port(preferred):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]


def run_like_the_container(binary, workdir, cmd, image_env, web_env, health):
    database = f"hc_container_{uuid.uuid4().hex[:12]}"
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f'CREATE DATABASE "{database}"'],
                   check=True)
    root = tempfile.mkdtemp()
    try:
        app_dir = os.path.join(root, workdir.lstrip("/"))
        os.makedirs(app_dir)
        executable = os.path.join(app_dir, os.path.basename(cmd[0]))
        shutil.copy2(binary, executable)
        shutil.copytree(os.path.join(ROOT, "config"), os.path.join(app_dir, "config"))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": app_dir}
        env.update(image_env)
        env.update(web_env)
        env.update(DB_HOST="127.0.0.1", DB_NAME=database, SECRET_KEY="container-" + uuid.uuid4().hex)
        port = free_port(int(env["PORT"]))
        env["PORT"] = str(port)
        server = subprocess.Popen([executable] + cmd[1:], cwd=app_dir, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        url = health.replace("${PORT}", str(port))
        deadline, status = time.time() + 60, None
        while time.time() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    status = response.status
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        check(status == 200, f"the HEALTHCHECK URL answers 200 ({url})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health/ready/", timeout=5) as response:
                body = json.load(response)
                check(body["data"]["database"] == "ok", "readiness reports the database")
        except (urllib.error.URLError, OSError, KeyError) as error:
            check(False, f"readiness answers: {error}")
        started = time.time()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
            check(True, f"SIGTERM stops the server in {time.time() - started:.1f} s")
        except subprocess.TimeoutExpired:
            server.kill()
            check(False, "SIGTERM stops the server within 30 s")
        output = server.stdout.read().decode(errors="replace")
        if failures:
            print(output[-3000:])
    finally:
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                        f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'], check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/healthcare_backend-cli"))
    args = parser.parse_args()
    workdir, cmd, image_env, web_env, health = static_checks()
    run_like_the_container(args.binary, workdir, cmd, image_env, web_env, health)
    print(f"container check: {'FAILED' if failures else 'passed'} ({len(failures)} failures)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
