#!/usr/bin/env bash
# Load generator for `make bench` (bench_load): wrk from Debian's packages, so the load comes from a C client in a
# second process rather than a Python one competing for the same two cores. Without it the benchmark falls back to
# its Python client and says so.
set -uo pipefail
command -v wrk >/dev/null && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "安装负载测试工具 wrk …"
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || echo "wrk 安装失败，负载测试将使用 Python 客户端" >&2
else
  echo "提示：未安装 wrk（sudo apt-get install wrk），负载测试将使用 Python 客户端" >&2
fi
exit 0
