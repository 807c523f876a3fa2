#!/usr/bin/env bash
# System packages the platform uses: Pango (WeasyPrint PDF) and a Chinese font (fonts-noto-cjk) so PDFs
# render 中文. Installed from Debian's packages when missing and we may (root); otherwise a clear hint.
set -uo pipefail
missing=()
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "安装系统依赖：${missing[*]} …"
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || {
    echo "系统依赖安装失败：${missing[*]}（PDF 中文字体可能缺失）" >&2; exit 0; }
else
  echo "提示：缺少系统包 ${missing[*]}，请运行 sudo apt-get install ${missing[*]}（否则 PDF 中文可能无法显示）" >&2
fi
exit 0
