"""Load and soak: a production-like server under a mixed workload of signed-in users, on loopback only.

Ours: gunicorn with WORKERS sync workers, YINGSHANG_PRODUCTION=1 (whitenoise, DEBUG off), PostgreSQL when
DATABASE_URL is set, else SQLite (WAL); the shared cache (and the session cache) in Redis when one answers on
127.0.0.1:6379 (LOAD_CACHE_URL overrides), else the database cache table. Baseline: the same server with a single worker — the ratio shows what the
worker pool buys on this machine. The load generator is wrk (C, with a Lua script choosing URLs and session cookies)
when installed, else a Python threaded keep-alive client; it runs in its own process.

Workload, LOAD_MIX=wide (default; benchmarks/load/wide_mix.py): a user per enterprise (2,000), per department, per
county, plus city administrators, leaders and 12345 operators, each signed in; LOAD_LINES request lines (100,000) each
drawn as a role by weight, a user of that role and a page from what that user may see — visitors on the portal and
policy pages, enterprises on their workspace, matched policies (page and API), own enterprise and appeals, filing
appeals through the API (JSON POST, bearer token), staff on their workbench, inbox and the enterprises of their
scope, administrators on registry lists, filters and the ledger, leaders on the dashboards. LOAD_MIX=narrow: the 84
fixed URLs of five demo users that sessions 4 and 5 measured (nearly every kept page found kept: an upper bound).

Reports throughput, p50/p95/p99 latency, error rate (non-2xx/3xx and socket errors) and the server's total RSS at
start and end (sampled during the soak). QUICK=1: ~10 s per server. Full: a 10-minute soak of ours (and 60 s for
the baseline). Goal on the 2-core machine: ≥ 300 req/s at p95 ≤ 300 ms, 0 errors, no memory growth.

The server runs as deployed, whole responses kept per viewer included (`core.page_cache`); set
YINGSHANG_KEEP_WHOLE_PAGES=0 in the environment to measure without them (YINGSHANG_KEEP_PAGES=0: nothing kept at all).
`benchmarks/load/profile_mix.py` prints how many of the mix's requests were answered whole from the cache.

After the soak, the ceiling reference (`ceilings`, LOAD_CEILING_SECONDS each, 30 s; LOAD_CEILING=0 skips it): the
same server on the anonymous portal alone and on one signed-in user's 工作台 alone — the most this machine serves
of a page with no session and of the cheapest signed-in page, against which the mix's throughput is read (machines
of the same kind differ by up to 2× from one session to the next).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks.common import QUICK, ROOT, report, setup_django  # noqa: E402

ENTERPRISES = 500 if QUICK else 2000
DURATION = int(os.environ.get("LOAD_SECONDS", "10" if QUICK else "600"))
BASELINE_DURATION = min(DURATION, int(os.environ.get("LOAD_BASELINE_SECONDS", "10" if QUICK else "60")))
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "16"))
SAMPLE_EVERY = 5 if QUICK else 30
# The same server on its two cheapest pages, after the soak: what this machine serves at most (LOAD_CEILING=0 skips).
CEILING_SECONDS = int(os.environ.get("LOAD_CEILING_SECONDS", "5" if QUICK else "30"))
CEILING = os.environ.get("LOAD_CEILING", "1") != "0"
# "wide" (default): thousands of users, each reading its own scope (benchmarks/load/wide_mix.py); "narrow": the 84
# fixed URLs of five demo users that sessions 4 and 5 measured, kept to compare with those figures.
MIX = os.environ.get("LOAD_MIX", "wide")
LINES = int(os.environ.get("LOAD_LINES", "20000" if QUICK else "100000"))


# -- data and the workload ------------------------------------------------------------------------

def load_demo_data() -> None:
    """The demo data (ENTERPRISES enterprises) and demo accounts, in the configured database."""
    from django.core.management import call_command

    with open(os.devnull, "w") as sink:
        try:
            call_command("setup_demo", enterprises=ENTERPRISES, stdout=sink)
        except Exception as exc:  # an app's demo data still being built must not stop the benchmark
            print(f"（setup_demo 未完全成功：{type(exc).__name__}: {exc}；继续使用已有数据）", flush=True)
            from yingshang.core.demo_accounts import ensure_demo_accounts

            ensure_demo_accounts()


def prepare() -> list[tuple[str, str, int]]:
    """The narrow mix, on the demo data: returns the workload as (path, request header or "", weight).

    The header is a session cookie ("sessionid=…", sent as Cookie) or "Bearer …" (sent as Authorization). A path
    starting with "POST " is sent as a JSON POST with the body after the tab in the path; "{n}" in the body is
    replaced by a number unique to the request (appeals need distinct client keys).
    """
    from django.test import Client

    from yingshang.accounts.models import User
    from yingshang.enterprises.models import Enterprise

    load_demo_data()

    def session(username: str) -> str:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return f"sessionid={client.cookies['sessionid'].value}"

    cookies = {u: session(u) for u in ("shiji", "xianqu", "bumen", "qiye", "lingdao")}
    ganzhou = list(Enterprise.objects.filter(region__code="620702").values_list("id", flat=True)[:200])
    every = list(Enterprise.objects.values_list("id", flat=True)[:500])
    own = list(User.objects.get(username="qiye").enterprise_memberships.values_list("enterprise_id", flat=True))
    rng = random.Random(7)
    work: list[tuple[str, str, int]] = [("/", "", 5)]
    for page in range(1, 6):
        work.append((f"/enterprises/?page={page}", cookies["shiji"], 3))
        work.append((f"/api/v1/enterprises?page={page}&page_size=20", cookies["shiji"], 3))
    for query in ("region=620702", "section=A", "size=micro", "q=%E7%A7%8D%E4%B8%9A", "qualification=hnte"):
        work.append((f"/enterprises/?{query}", cookies["xianqu"], 2))
    for enterprise_id in rng.sample(every, min(20, len(every))):
        work.append((f"/enterprises/{enterprise_id}/", cookies["shiji"], 2))
        work.append((f"/api/v1/enterprises/{enterprise_id}", cookies["bumen"], 1))
    for enterprise_id in rng.sample(ganzhou, min(10, len(ganzhou))):
        work.append((f"/enterprises/{enterprise_id}/", cookies["xianqu"], 2))
    work.append(("/workspace/", cookies["qiye"], 4))
    work += [(f"/enterprises/{i}/", cookies["qiye"], 2) for i in own]
    work.append(("/dashboard/", cookies["shiji"], 2))
    work.append(("/dashboard/", cookies["lingdao"], 2))
    work.append(("/workbench/", cookies["bumen"], 2))
    # Capability pages, included only when they answer 200 for that role now.
    candidates = [("/policies/", "qiye"), ("/policies/", "shiji"),
                  ("/appeals/", "qiye"), ("/appeals/", "bumen"), ("/appeals/ledger/", "shiji"),
                  ("/plans/", "shiji"), ("/monitoring/", "shiji"), ("/monitoring/", "lingdao"),
                  ("/api/v1/policies", "qiye"), ("/api/v1/appeals", "bumen"), ("/api/v1/monitoring/indicators", "shiji")]
    if own:
        candidates += [("/policies/mine/", "qiye"), (f"/api/v1/policies/enterprises/{own[0]}/matches", "qiye")]
    for path, username in candidates:
        client = Client()
        client.force_login(User.objects.get(username=username))
        if client.get(path).status_code == 200:
            work.append((path, cookies[username] if username in cookies else session(username), 3))
    work += appeal_filing(own)
    return work


def appeal_filing(own: list[int]) -> list[tuple[str, str, int]]:
    """Enterprises filing appeals through the API (bearer token of the demo enterprise user), when it accepts one."""
    from django.test import Client

    from yingshang.accounts.models import User
    from yingshang.accounts.services import issue_api_token
    from yingshang.appeals.models import AppealCategory

    category = AppealCategory.objects.order_by("code").values_list("code", flat=True).first()
    if not own or category is None:
        return []
    token = issue_api_token(user=User.objects.get(username="qiye"), name="load")
    body = json.dumps({"category": category, "enterprise_id": own[0], "title": "负载测试诉求",
                       "description": "压力测试：企业反映办理施工许可时材料要求不一致，请协调。编号{n}",
                       "client_key": "load-{n}"}, ensure_ascii=False)
    # A new client key each run: on a reused database the old key would answer 200 (already filed), not 201.
    probe = Client().post("/api/v1/appeals", body.replace("{n}", f"probe-{time.time_ns()}"),
                          content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    if probe.status_code != 201:
        print(f"（提交诉求接口返回 {probe.status_code}，负载中不含提交诉求）", flush=True)
        return []
    return [(f"POST /api/v1/appeals\t{body}", f"Bearer {token}", 2)]


def expand(work: list[tuple[str, str, int]]) -> list[tuple[str, str]]:
    return [(path, cookie) for path, cookie, weight in work for _ in range(weight)]


# -- the server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# One key for this process (which creates the sessions) and the server (which must accept them).
SECRET_KEY = os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(64))


def server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "YINGSHANG_TESTING")}
    env.update({"YINGSHANG_PRODUCTION": "1", "DJANGO_SECRET_KEY": SECRET_KEY,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "ERROR",
                "YINGSHANG_TASK_BACKEND": "django.tasks.backends.immediate.ImmediateBackend"})
    # Production shares one cache between workers: Redis when it runs here (as deployed), else the database table.
    env["CACHE_URL"] = os.environ.get("LOAD_CACHE_URL") or ("redis://127.0.0.1:6379/14" if redis_running() else "")
    env["CACHE_KEY_PREFIX"] = f"load-{secrets.token_hex(4)}"
    return env


def redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,  # noqa: S603
                   check=True)


def start_server(workers: int, port: int, env: dict[str, str]) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    process = subprocess.Popen([gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{port}",  # noqa: S603
                                "--config", str(ROOT / "benchmarks" / "load" / "gunicorn_conf.py"),
                                "--workers", str(workers), "--log-level", "warning"],
                               cwd=ROOT, env=env, start_new_session=True)
    import http.client

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("gunicorn 未能启动")


def tree_rss_mb(pid: int) -> float:
    """Total resident memory of the gunicorn master and its workers."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


# -- the load generators --------------------------------------------------------------------------

LUA = r"""
local entries = {}
local f = io.open(os.getenv("LOAD_WORKLOAD"), "r")
for line in f:lines() do
  local method, path, header, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
  table.insert(entries, {method, path, header, body})
end
f:close()
local threads = {}
local counter = 0
setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
init = function(args) unexpected = 0 end
response = function(status, headers, body)
  if status ~= 200 and status ~= 201 then unexpected = unexpected + 1 end
end
request = function()
  local e = entries[math.random(#entries)]
  local headers = {}
  if e[3]:sub(1, 7) == "Bearer " then headers["Authorization"] = e[3]
  elseif e[3] ~= "" then headers["Cookie"] = e[3] end
  if e[1] == "POST" then
    counter = counter + 1
    headers["Content-Type"] = "application/json"
    local body = e[4]:gsub("{n}", string.format("%d-%d-%d", id, os.time(), counter))
    return wrk.format("POST", e[2], headers, body)
  end
  return wrk.format("GET", e[2], headers)
end
done = function(summary, latency, requests)
  -- Anything but 200/201 is an error here: a login redirect would mean the session was not accepted.
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, thread in ipairs(threads) do errors = errors + thread:get("unexpected") end
  io.write(string.format('LOADJSON {"requests": %d, "seconds": %.3f, "errors": %d, "p50": %.3f, "p95": %.3f,'
      .. ' "p99": %.3f}\n', summary.requests, summary.duration / 1e6, errors, latency:percentile(50) / 1000,
      latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def workload_lines(entries: list[tuple[str, str]]) -> str:
    """One line per weighted entry: method, path, header, body (tab-separated)."""
    lines = []
    for path, header in entries:
        method, _, rest = path.partition(" ") if path.startswith("POST ") else ("GET", "", path)
        target, _, body = rest.partition("\t")
        lines.append(f"{method}\t{target}\t{header}\t{body}\n")
    return "".join(lines)


def run_wrk(port: int, entries: list[tuple[str, str]], seconds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        workload, script = Path(tmp) / "workload.tsv", Path(tmp) / "load.lua"
        workload.write_text(workload_lines(entries), encoding="utf-8")
        script.write_text(LUA, encoding="utf-8")
        result = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",  # noqa: S607,S603
                                 "-s", str(script), f"http://127.0.0.1:{port}"],
                                env={**os.environ, "LOAD_WORKLOAD": str(workload)}, capture_output=True, text=True,
                                check=True)
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("LOADJSON "))
    return json.loads(line.removeprefix("LOADJSON "))


PY_CLIENT = r"""
import http.client, json, random, sys, threading, time
port, seconds, threads, path = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
entries = [line.rstrip("\n").split("\t", 3) for line in open(path, encoding="utf-8")]
latencies, errors, lock = [], [0], threading.Lock()
stop = time.monotonic() + seconds
def worker(seed):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    mine, bad, n = [], 0, 0
    while time.monotonic() < stop:
        method, target, header, body = rng.choice(entries)
        headers = {}
        if header.startswith("Bearer "):
            headers["Authorization"] = header
        elif header:
            headers["Cookie"] = header
        payload = None
        if method == "POST":
            n += 1
            headers["Content-Type"] = "application/json"
            payload = body.replace("{n}", f"{seed}-{time.time_ns()}-{n}").encode()
        start = time.perf_counter()
        try:
            conn.request(method, target, body=payload, headers=headers)
            response = conn.getresponse(); response.read()
            if response.status not in (200, 201): bad += 1
        except Exception:
            bad += 1; conn.close(); conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine.append(time.perf_counter() - start)
    with lock:
        latencies.extend(mine); errors[0] += bad
began = time.monotonic()
pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
[t.start() for t in pool]; [t.join() for t in pool]
elapsed = time.monotonic() - began
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0
print("LOADJSON " + json.dumps({"requests": len(latencies), "seconds": elapsed, "errors": errors[0],
                                "p50": pick(.5), "p95": pick(.95), "p99": pick(.99)}))
"""


def run_python_client(port: int, entries: list[tuple[str, str]], seconds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        workload = Path(tmp) / "workload.tsv"
        workload.write_text(workload_lines(entries), encoding="utf-8")
        result = subprocess.run([sys.executable, "-c", PY_CLIENT, str(port), str(seconds), str(CONNECTIONS),  # noqa: S603
                                 str(workload)], capture_output=True, text=True, check=True)
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("LOADJSON "))
    return json.loads(line.removeprefix("LOADJSON "))


def load_generator():
    """wrk when installed (`make bench` installs it), else the Python keep-alive client."""
    return run_wrk if shutil.which("wrk") else run_python_client


def measure(workers: int, entries: list[tuple[str, str]], seconds: int, env: dict[str, str]) -> dict:
    port = free_port()
    server = start_server(workers, port, env)
    generator = load_generator()
    try:
        # Warm-up until the latency settles: every worker has compiled its templates and opened its connection.
        for _ in range(6):
            if generator(port, entries, 5)["p50"] < 1000:
                break
        rss = [tree_rss_mb(server.pid)]
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(SAMPLE_EVERY):
                rss.append(tree_rss_mb(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        result = generator(port, entries, seconds)
        sampling.set()
        sampler.join()
        rss.append(tree_rss_mb(server.pid))
    finally:
        stop_server(server)
    result.update({"workers": workers, "rps": result["requests"] / result["seconds"],
                   "error_rate": result["errors"] / max(1, result["requests"]), "rss_start_mb": rss[0],
                   "rss_end_mb": rss[-1], "rss_max_mb": max(rss), "rss_samples_mb": [round(x) for x in rss],
                   "rss_second_half_growth_mb": rss[-1] - rss[len(rss) // 2], "generator": generator.__name__})
    return result


def ceilings(entries: list[tuple[str, str]], env: dict[str, str]) -> dict[str, float]:
    """Throughput of the same server (WORKERS workers) on one page at a time: the anonymous portal (no session, no
    query) and a signed-in department user's 工作台 (session, the user's one statement, the page frame). The mix's
    figure read against these says how much of the machine the framework's floor already takes: no mix of real
    pages can be served faster than its cheapest signed-in page."""
    signed_in = next(((path, header) for path, header in entries
                      if path == "/workbench/" and header.startswith("sessionid=")), None)
    targets = {"anonymous_portal": [("/", "")]}
    if signed_in is not None:
        targets["signed_in_workbench"] = [signed_in]
    port = free_port()
    server = start_server(WORKERS, port, env)
    generator = load_generator()
    found = {}
    try:
        for name, target in targets.items():
            generator(port, target, 3)  # warm: this page's templates compiled in every worker
            result = generator(port, target, CEILING_SECONDS)
            if result["errors"]:
                raise RuntimeError(f"上限参照 {name} 出现 {result['errors']} 个错误")
            found[name] = result["requests"] / result["seconds"]
    finally:
        stop_server(server)
    return found


def describe(label: str, r: dict) -> None:
    print(f"  {label}: {r['workers']} 个 worker，{r['requests']} 次请求 / {r['seconds']:.1f} s = {r['rps']:.0f} req/s；"
          f"p50 {r['p50']:.1f} ms，p95 {r['p95']:.1f} ms，p99 {r['p99']:.1f} ms；错误率 {r['error_rate']:.2%}；"
          f"内存 {r['rss_start_mb']:.0f} → {r['rss_end_mb']:.0f} MB（峰值 {r['rss_max_mb']:.0f}，"
          f"后半程 {r['rss_second_half_growth_mb']:+.0f} MB）；{r['generator']}\n"
          f"    内存采样（每 {SAMPLE_EVERY} s，MB）：{' '.join(str(x) for x in r['rss_samples_mb'])}",
          flush=True)


def workload() -> tuple[list[tuple[str, str]], str]:
    """The request lines of the chosen mix (LOAD_MIX) and a one-line description for the report's scale."""
    if MIX == "narrow":
        work = prepare()
        entries = expand(work)
        print(f"  工作负载（窄）：{len(work)} 种请求（加权 {len(entries)}），5 个用户，{ENTERPRISES} 个主体", flush=True)
        return entries, f"narrow mix, {len(work)} URLs"
    from benchmarks.load import wide_mix

    load_demo_data()
    entries, mix = wide_mix.lines(LINES)
    print(f"  工作负载（宽）：{mix['lines']} 行请求，{mix['kinds']} 类，{mix['viewers']} 个会话/令牌"
          f"（企业用户 {mix['enterprise_users']}，部门 {mix['staff']}，县市管理员 {mix['admins']}，"
          f"领导与话务员 {mix['leaders']}）；不同（用户, 地址）组合 {mix['distinct_pairs']}，"
          f"不同地址 {mix['distinct_paths']}", flush=True)
    if mix["dropped"]:
        print(f"  未纳入（探测未得 200/201）：{mix['dropped']}", flush=True)
    return entries, f"wide mix, {mix['viewers']} users, {mix['distinct_pairs']} distinct user×URL pairs"


def main() -> None:
    setup_django("load")
    entries, mix = workload()
    print(f"  {ENTERPRISES} 个主体；负载 {DURATION}s，基线 {BASELINE_DURATION}s，{CONNECTIONS} 个并发连接", flush=True)
    from django.db import connections

    connections.close_all()
    env = server_env()
    print(f"  共享缓存：{env['CACHE_URL'] or '数据库表（未发现 Redis）'}", flush=True)
    collectstatic(env)
    baseline = measure(1, entries, BASELINE_DURATION, env)
    describe("基线", baseline)
    ours = measure(WORKERS, entries, DURATION, env)
    describe("本方案", ours)
    extra = {k: ours[k] for k in ("rps", "p50", "p95", "p99", "error_rate", "rss_start_mb", "rss_end_mb",
                                  "rss_max_mb", "rss_samples_mb", "rss_second_half_growth_mb", "requests", "seconds",
                                  "workers", "generator")}
    extra["baseline"] = {k: baseline[k] for k in ("rps", "p50", "p95", "p99", "error_rate", "workers")}
    if CEILING:
        print(f"  测量上限参照：匿名门户、已登录工作台各 {CEILING_SECONDS}s …", flush=True)
        extra["ceiling_rps"] = ceiling = ceilings(entries, env)
        line = f"  上限参照（同一服务器，单页）：匿名门户 {ceiling['anonymous_portal']:.0f} req/s"
        if "signed_in_workbench" in ceiling:
            workbench = ceiling["signed_in_workbench"]
            line += f"，已登录工作台 {workbench:.0f} req/s；混合负载为后者的 {ours['rps'] / workbench:.0%}"
        print(line, flush=True)
    scale = f"{ENTERPRISES} enterprises, {mix}, {CONNECTIONS} connections, {DURATION}s"
    # Time per request (1/throughput) so that the printed speedup = baseline ÷ ours reads "higher is better".
    if not ours["rps"] or not baseline["rps"]:
        raise SystemExit("没有完成的请求：服务器未响应")
    extra["loadavg_1min_at_end"] = os.getloadavg()[0]
    print(f"  本机 1 分钟负载（结束时）：{os.getloadavg()[0]:.1f}（2 核；其他进程占用会压低吞吐）", flush=True)
    report("load_mixed_ms_per_request", ours=1000 / ours["rps"], baseline=1000 / baseline["rps"], unit="ms",
           scale=scale, extra=extra)
    report("load_mixed_p95", ours=ours["p95"], baseline=baseline["p95"], unit="ms", scale=scale)


if __name__ == "__main__":
    main()
